#include "lrlab/analysis/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "lrlab/json.hpp"

namespace lrlab::analysis {

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

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

// A json value printed as an element of the array: nlohmann's dump(1) indented one step more
// (text holds no raw line breaks: JSON escapes them inside strings).
std::string array_element(const Json& v) {
  std::string s = " ";
  for (char ch : v.dump(1)) {
    s += ch;
    if (ch == '\n') s += ' ';
  }
  return s;
}

}  // namespace

TableWriter::TableWriter(std::ostream& out, Format f, std::vector<std::string> columns, std::size_t align_rows)
    : out_(out), format_(f), columns_(std::move(columns)), align_rows_(align_rows) {
  if (format_ == Format::csv) {
    for (std::size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << csv_field(columns_[i]);
    out_ << "\n";
  }
  for (const auto& c : columns_) width_.push_back(c.size());
}

void TableWriter::row(const std::vector<Cell>& cells) {
  const bool first = rows_++ == 0;
  if (format_ == Format::json) {
    Json o = Json::object();
    for (std::size_t i = 0; i < columns_.size(); ++i) o[columns_[i]] = json_cell(cells[i]);
    // nlohmann writes doubles with the shortest text that reads back exactly.
    out_ << (first ? "[\n" : ",\n") << array_element(o);
    return;
  }
  if (format_ == Format::csv) {
    for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << csv_field(text(cells[i], false));
    out_ << "\n";
    return;
  }
  std::vector<std::string> texts;
  for (const auto& c : cells) texts.push_back(text(c, true));
  if (aligned_) {
    line(texts);
    return;
  }
  for (std::size_t i = 0; i < texts.size(); ++i) width_[i] = std::max(width_[i], texts[i].size());
  held_.push_back(std::move(texts));
  if (held_.size() >= align_rows_) flush_held();
}

void TableWriter::line(const std::vector<std::string>& v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    out_ << (i ? "  " : "") << v[i];
    if (i + 1 < v.size() && v[i].size() < width_[i]) out_ << std::string(width_[i] - v[i].size(), ' ');
  }
  out_ << "\n";
}

void TableWriter::flush_held() {
  aligned_ = true;
  line(columns_);
  std::vector<std::string> rule;
  for (auto w : width_) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : held_) line(r);
  held_.clear();
  held_.shrink_to_fit();
}

void TableWriter::finish() {
  if (format_ == Format::json) out_ << (rows_ ? "\n]\n" : "[]\n");
  else if (format_ == Format::table && !aligned_) flush_held();
}

void print(std::ostream& out, const Table& t, Format f) {
  TableWriter w(out, f, t.columns, t.rows.size());
  for (const auto& row : t.rows) w.row(row);
  w.finish();
}

}  // namespace lrlab::analysis
