#include "lrlab/analysis/table.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

#include "lrlab/json.hpp"

namespace lrlab::analysis {

std::string exact(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // 17 significant digits always read back to the same double (IEEE 754 binary64).
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

namespace {

std::string text(const Cell& c, bool for_table) {
  struct V {
    bool table;
    std::string operator()(std::monostate) const { return table ? "NULL" : ""; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      if (!table) return exact(v);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(V{for_table}, c);
}

Json json_cell(const Cell& c) {
  struct V {
    Json operator()(std::monostate) const { return nullptr; }
    Json operator()(std::int64_t v) const { return v; }
    Json operator()(double v) const { return std::isfinite(v) ? Json(v) : Json(exact(v)); }
    Json operator()(const std::string& s) const { return s; }
  };
  return std::visit(V{}, c);
}

}  // namespace

void print(std::ostream& out, const Table& t, Format f) {
  if (f == Format::json) {
    Json arr = Json::array();
    for (const auto& row : t.rows) {
      Json o = Json::object();
      for (std::size_t i = 0; i < t.columns.size(); ++i) o[t.columns[i]] = json_cell(row[i]);
      arr.push_back(std::move(o));
    }
    // nlohmann writes doubles with the shortest text that reads back exactly.
    out << arr.dump(1) << "\n";
    return;
  }
  if (f == Format::csv) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) out << (i ? "," : "") << csv_field(t.columns[i]);
    out << "\n";
    for (const auto& row : t.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(text(row[i], false));
      out << "\n";
    }
    return;
  }
  std::vector<std::size_t> width(t.columns.size());
  for (std::size_t i = 0; i < t.columns.size(); ++i) width[i] = t.columns[i].size();
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : t.rows) {
    cells.emplace_back();
    for (std::size_t i = 0; i < row.size(); ++i) {
      cells.back().push_back(text(row[i], true));
      width[i] = std::max(width[i], cells.back().back().size());
    }
  }
  auto line = [&](const std::vector<std::string>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      out << (i ? "  " : "") << v[i];
      if (i + 1 < v.size()) out << std::string(width[i] - v[i].size(), ' ');
    }
    out << "\n";
  };
  line(t.columns);
  std::vector<std::string> rule;
  for (auto w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& c : cells) line(c);
}

}  // namespace lrlab::analysis
