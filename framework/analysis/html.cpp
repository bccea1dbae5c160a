#include "lrlab/analysis/html.hpp"

#include <cstdio>
#include <ostream>

namespace lrlab::analysis {
namespace {

std::string cell_text(const Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return "";
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", *d);  // for reading; the exact values are a query away
    return buf;
  }
  return std::get<std::string>(c);
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

void table_html(std::ostream& out, const Table& t, const std::string& css_class) {
  out << "<table" << (css_class.empty() ? "" : " class=\"" + css_class + "\"") << "><thead><tr>";
  for (const auto& c : t.columns) out << "<th>" << html_escape(c) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (const auto& c : row)
      out << (std::holds_alternative<std::string>(c) ? "<td>" : "<td class=\"num\">") << html_escape(cell_text(c)) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
}

}  // namespace lrlab::analysis
