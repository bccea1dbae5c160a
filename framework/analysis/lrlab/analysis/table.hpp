#pragma once
// Tables, and the three text forms every command prints them in:
//   table: aligned columns for people;
//   csv:   a header row, then rows; numbers with 17 significant digits (they read back exactly);
//   json:  an array of objects; numbers in the shortest form that reads back exactly.
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

// A csv field as RFC 4180 quotes it: in double quotes (doubled inside) when it holds , " or a line break.
std::string csv_field(const std::string& s);

// A double as 17 significant digits ("0.10000000000000001"), which reads back exactly.
std::string exact(double v);

}  // namespace lrlab::analysis
