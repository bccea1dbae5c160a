#pragma once
// HTML for the report: escaped text, and tables whose numbers are for reading.
#include <iosfwd>
#include <string>

#include "lrlab/analysis/table.hpp"

namespace lrlab::analysis {

// `s` with & < > " escaped: safe as element text and inside a double-quoted attribute.
std::string html_escape(const std::string& s);

// `t` as a <table> (with class="css_class" when given): texts in plain cells, numbers in
// class="num" cells, reals with 4 significant digits (the exact values are a query away), NULL empty.
void table_html(std::ostream& out, const Table& t, const std::string& css_class = "");

}  // namespace lrlab::analysis
