// The three text forms of a table (table, csv, json) and the number formats behind them, against
// texts written out here.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "lrlab/analysis/table.hpp"

using namespace lrlab::analysis;

namespace {

Table sample_table() {
  return {{"name", "n", "value"},
          {{std::string("plain"), std::int64_t{3}, 0.1},
           {std::string("a, \"quoted\" one"), std::int64_t{-12}, std::monostate{}},
           {std::string("big"), std::int64_t{0}, 12345678.9}}};
}

std::string printed(const Table& t, Format f) {
  std::ostringstream out;
  print(out, t, f);
  return out.str();
}

}  // namespace

TEST_CASE("exact: 17 significant digits, and words for what is not a number", "[analysis][table]") {
  CHECK(exact(0.1) == "0.10000000000000001");
  CHECK(exact(1.0) == "1");
  CHECK(exact(1.0 / 3) == "0.33333333333333331");
  CHECK(exact(-2.5e-300) == "-2.5e-300");
  CHECK(exact(std::nan("")) == "nan");
  CHECK(exact(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(exact(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("csv_field: quoted only when it must be, quotes doubled", "[analysis][table]") {
  CHECK(csv_field("plain text") == "plain text");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("print: csv, json and aligned table", "[analysis][table]") {
  const Table t = sample_table();
  CHECK(printed(t, Format::csv) ==
        "name,n,value\n"
        "plain,3,0.10000000000000001\n"
        "\"a, \"\"quoted\"\" one\",-12,\n"
        "big,0,12345678.9\n");
  CHECK(printed(t, Format::json) ==
        "[\n"
        " {\n  \"name\": \"plain\",\n  \"n\": 3,\n  \"value\": 0.1\n },\n"
        " {\n  \"name\": \"a, \\\"quoted\\\" one\",\n  \"n\": -12,\n  \"value\": null\n },\n"
        " {\n  \"name\": \"big\",\n  \"n\": 0,\n  \"value\": 12345678.9\n }\n"
        "]\n");
  // Columns padded to the widest cell, two spaces apart, the last one unpadded; reals to 6 digits.
  CHECK(printed(t, Format::table) ==
        "name             n    value\n"
        "---------------  ---  -----------\n"
        "plain            3    0.1\n"
        "a, \"quoted\" one  -12  NULL\n"
        "big              0    1.23457e+07\n");
}

TEST_CASE("print: json writes infinities as text, since JSON has no number for them", "[analysis][table]") {
  const Table t{{"x"}, {{std::numeric_limits<double>::infinity()}, {std::nan("")}}};
  CHECK(printed(t, Format::json) == "[\n {\n  \"x\": \"inf\"\n },\n {\n  \"x\": \"nan\"\n }\n]\n");
  CHECK(printed(t, Format::csv) == "x\ninf\nnan\n");
}

TEST_CASE("TableWriter: each row written as it comes, the table form aligned on its first rows", "[analysis][table]") {
  std::ostringstream out;
  TableWriter csv(out, Format::csv, {"a", "b"});
  CHECK(out.str() == "a,b\n");
  csv.row({std::int64_t{1}, std::string("x")});
  CHECK(out.str() == "a,b\n1,x\n");  // before the next row or the end

  out.str("");
  TableWriter json(out, Format::json, {"a"});
  json.row({0.5});
  CHECK(out.str() == "[\n {\n  \"a\": 0.5\n }");
  json.row({std::monostate{}});
  json.finish();
  CHECK(out.str() == printed(Table{{"a"}, {{0.5}, {std::monostate{}}}}, Format::json));

  // Aligned on the first two rows; the third, wider, is printed at those widths.
  out.str("");
  TableWriter table(out, Format::table, {"name", "n"}, 2);
  table.row({std::string("ab"), std::int64_t{1}});
  CHECK(out.str().empty());
  table.row({std::string("abcde"), std::int64_t{22}});
  CHECK(out.str() == "name   n\n-----  --\nab     1\nabcde  22\n");
  table.row({std::string("abcdefgh"), std::int64_t{333}});
  table.finish();
  CHECK(out.str() == "name   n\n-----  --\nab     1\nabcde  22\nabcdefgh  333\n");

  // Fewer rows than the look-ahead: aligned on all of them at the end, as print does.
  out.str("");
  TableWriter few(out, Format::table, {"n"});
  few.row({std::int64_t{12345}});
  few.finish();
  CHECK(out.str() == printed(Table{{"n"}, {{std::int64_t{12345}}}}, Format::table));
}
