#include "lrlab/serve/query_string.hpp"

#include <charconv>

namespace lrlab::serve {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1, lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
      if (lo < 0) throw HttpError(400, "a bad %-escape in the query string");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> positive_id(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

Query::Query(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string name = decode(pair.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
    if (!values_.emplace(name, value).second) throw HttpError(400, "the query parameter '" + name + "' is given twice");
  }
}

std::optional<std::string> Query::text(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::int64_t Query::integer(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  const auto v = text(name);
  if (!v) return fallback;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max)
    throw HttpError(400, "the query parameter '" + name + "' is an integer from " + std::to_string(min) + " to " +
                             std::to_string(max));
  return n;
}

Page Query::page(std::int64_t fallback, std::int64_t max) const {
  return {integer("offset", 0, 0, INT64_MAX), integer("limit", fallback, 1, max)};
}

std::vector<std::int64_t> Query::ids(const std::string& name, std::size_t max_count) const {
  std::vector<std::int64_t> out;
  const auto v = text(name);
  if (!v || v->empty()) return out;
  std::string_view rest = *v;
  while (true) {
    const auto comma = rest.find(',');
    const auto id = positive_id(rest.substr(0, comma));
    if (!id) throw HttpError(400, "the query parameter '" + name + "' is a comma-separated list of positive ids");
    out.push_back(*id);
    if (out.size() > max_count)
      throw HttpError(400, "the query parameter '" + name + "' names at most " + std::to_string(max_count) + " ids");
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace lrlab::serve
