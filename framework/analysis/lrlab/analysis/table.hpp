#pragma once
// Tables, and the three text forms every command prints them in:
//   table: aligned columns for people;
//   csv:   a header row, then rows; numbers with 17 significant digits (they read back exactly);
//   json:  an array of objects; numbers in the shortest form that reads back exactly.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace lrlab::analysis {

// NULL, an integer, a real or a text: the values SQLite hands back.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

enum class Format { table, csv, json };

void print(std::ostream& out, const Table& t, Format f);

// The rows a table-form TableWriter holds to align its columns (lrlab query's table format).
inline constexpr std::size_t table_align_rows = 1000;

// The same three forms, written row by row as rows come, so that printing a result of any length
// takes memory for one row: csv and json write each row at once; the table form holds its first
// `align_rows` rows to size its columns, prints them, and prints every later row at those widths
// (a longer cell then pushes the rest of its line to the right). `print` is a TableWriter that
// aligns on every row.
class TableWriter {
 public:
  TableWriter(std::ostream& out, Format f, std::vector<std::string> columns, std::size_t align_rows = table_align_rows);
  void row(const std::vector<Cell>& cells);
  void finish();  // prints what is held, and closes the json array; once, after the last row

 private:
  void flush_held();
  void line(const std::vector<std::string>& cells);

  std::ostream& out_;
  Format format_;
  std::vector<std::string> columns_;
  std::size_t align_rows_;
  std::size_t rows_ = 0;
  std::vector<std::size_t> width_;                // table: the column widths, once aligned
  std::vector<std::vector<std::string>> held_;    // table: the rows until then
  bool aligned_ = false;
};

// A csv field as RFC 4180 quotes it: in double quotes (doubled inside) when it holds , " or a line break.
std::string csv_field(const std::string& s);

// A double as 17 significant digits ("0.10000000000000001"), which reads back exactly.
std::string exact(double v);
// A double to three significant digits ("0.0123"), for labels on pictures.
std::string short_number(double v);

}  // namespace lrlab::analysis
