#pragma once
// A request target's query string ("?trials=3,4&metric=val_loss"), percent-decoded, and the checks
// every route's parameters need: a bad value is an HttpError 400 naming the parameter.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lrlab::serve {

// A request the routes refuse: its HTTP status (4xx) and what is wrong, sent as {"error": what}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
  int status;
};

// The rows of a paged list: ?offset (default 0) and ?limit (default `fallback`, at most `max`).
struct Page {
  std::int64_t offset, limit;
};

class Query {
 public:
  // The part of `target` after '?'; throws HttpError 400 for a bad %-escape or a repeated name.
  explicit Query(std::string_view target);

  std::optional<std::string> text(const std::string& name) const;
  // An integer in [min, max]; `fallback` when the parameter is absent.
  std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  Page page(std::int64_t fallback, std::int64_t max) const;
  // A comma-separated list of positive ids, at most `max_count` of them.
  std::vector<std::int64_t> ids(const std::string& name, std::size_t max_count) const;

 private:
  std::map<std::string, std::string> values_;
};

// "12" -> 12; nullopt for anything but a positive integer ("12x", "-1", "0", 20 digits).
std::optional<std::int64_t> positive_id(std::string_view s);

}  // namespace lrlab::serve
