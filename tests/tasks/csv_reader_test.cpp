// The CSV loader: the shipped data sets, the options, and one test per error case, each checking
// that the message points at the file and the line.
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "tasks/csv_reader.hpp"
#include "task_helpers.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using lrlab::TaskError;
using lrlab::tasks::CsvOptions;
using lrlab::tasks::read_csv;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& text) {
  static const fs::path dir = lrlab::test::temp_dir("csv");
  const fs::path p = dir / name;
  lrlab::test::write_file(p, text);
  return p;
}

CsvOptions options(std::int64_t label = -1, std::int64_t skip = 0, bool header = false) {
  CsvOptions o;
  o.label_column = label;
  o.skip_rows = skip;
  o.header = header;
  return o;
}

}  // namespace

TEST_CASE("csv_reader: digits.csv.gz is read through gzip", "[csv_reader]") {
  const auto d = read_csv(lrlab::test::data_dir() / "digits.csv.gz", options());
  CHECK(d.size() == 1797);
  CHECK(d.dimension() == 64);
  CHECK(d.classes == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // First line: 0,0,5,13,9,1,0,0,... label 0; second line ends with label 1.
  CHECK(d.features(2, 0) == 5.0);
  CHECK(d.features(3, 0) == 13.0);
  CHECK(d.labels[0] == 0);
  CHECK(d.labels[1] == 1);
  CHECK(d.feature_names[63] == "column 64");
}

TEST_CASE("csv_reader: breast_cancer.csv with its counts line skipped", "[csv_reader]") {
  const auto d = read_csv(lrlab::test::data_dir() / "breast_cancer.csv", options(-1, 1));
  CHECK(d.size() == 569);
  CHECK(d.dimension() == 30);
  CHECK(d.class_count() == 2);
  CHECK(d.features(0, 0) == 17.99);  // first data line: 17.99,10.38,...,0
  CHECK(d.labels[0] == 0);
  // Without skip_rows the counts line is read as data and its "malignant" is no number.
  CHECK_THROWS_WITH(read_csv(lrlab::test::data_dir() / "breast_cancer.csv", options()),
                    Contains("breast_cancer.csv:1: ") && Contains("\"malignant\"") && Contains("is not a number"));
}

TEST_CASE("csv_reader: header line, label by name or index, quotes, blank lines, CRLF", "[csv_reader]") {
  const auto p = write_temp("named.csv", "\"class\", \"a, b\" ,c\r\n\n3,1.5,-2e1\r\n 1 , +0.25 ,\"7\"\n3.0,2,3\n");
  CsvOptions by_name = options(0, 0, true);
  by_name.label_column = std::string("class");
  for (const CsvOptions& o : {by_name, options(0, 0, true), options(-3, 0, true)}) {
    const auto d = read_csv(p, o);
    REQUIRE(d.size() == 3);
    CHECK(d.feature_names == std::vector<std::string>{"a, b", "c"});
    CHECK(d.classes == std::vector<std::int64_t>{1, 3});  // 3.0 is the class 3
    CHECK(d.labels == std::vector<int>{1, 0, 1});         // classes numbered in increasing order
    CHECK(d.features(0, 0) == 1.5);
    CHECK(d.features(1, 0) == -20.0);
    CHECK(d.features(0, 1) == 0.25);
    CHECK(d.features(1, 1) == 7.0);
  }
}

TEST_CASE("csv_reader: another delimiter", "[csv_reader]") {
  const auto p = write_temp("semicolon.csv", "1;2;0\n3;4;1\n");
  CsvOptions o = options();
  o.delimiter = ';';
  const auto d = read_csv(p, o);
  CHECK(d.dimension() == 2);
  CHECK(d.features(1, 1) == 4.0);
  // With the default comma every line is one cell.
  CHECK_THROWS_WITH(read_csv(p, options()), Contains("semicolon.csv:1: found 1 column"));
}

TEST_CASE("csv_reader: error: a missing file", "[csv_reader]") {
  const fs::path p = fs::path(LRLAB_TEST_TMP) / "no-such-dir" / "absent.csv";
  CHECK_THROWS_AS(read_csv(p, options()), TaskError);
  CHECK_THROWS_WITH(read_csv(p, options()), StartsWith(p.string() + ": ") && Contains("no such data file"));
}

TEST_CASE("csv_reader: error: an empty file", "[csv_reader]") {
  const auto p = write_temp("empty.csv", "");
  CHECK_THROWS_WITH(read_csv(p, options()), StartsWith(p.string() + ":1: ") && Contains("the file is empty"));
  const auto only_header = write_temp("only-header.csv", "counts\n\nx,y\n");
  CHECK_THROWS_WITH(read_csv(only_header, options(-1, 1, true)),
                    StartsWith(only_header.string() + ":3: ") && Contains("no examples") &&
                        Contains("skip_rows=1 and the header line"));
}

TEST_CASE("csv_reader: error: a ragged row", "[csv_reader]") {
  const auto p = write_temp("ragged.csv", "1,2,3,0\n4,5,6,1\n7,8,1\n");
  CHECK_THROWS_WITH(read_csv(p, options()), StartsWith(p.string() + ":3: ") &&
                                                Contains("found 3 cells, but line 1 has 4"));
}

TEST_CASE("csv_reader: error: a cell that is not a number", "[csv_reader]") {
  const auto p = write_temp("text.csv", "a,b,label\n1,2,0\n3,x3,1\n");
  CHECK_THROWS_WITH(read_csv(p, options(-1, 0, true)),
                    StartsWith(p.string() + ":3: ") && Contains("\"x3\" in column 2 (\"b\") is not a number"));
  const auto empty_cell = write_temp("empty-cell.csv", "1,,0\n");
  CHECK_THROWS_WITH(read_csv(empty_cell, options()),
                    StartsWith(empty_cell.string() + ":1: ") && Contains("\"\" in column 2 of 3 is not a number"));
  const auto nan = write_temp("nan.csv", "1,2,0\nnan,2,1\n");
  CHECK_THROWS_WITH(read_csv(nan, options()), StartsWith(nan.string() + ":2: ") && Contains("not a finite number"));
}

TEST_CASE("csv_reader: error: a label that is not an integer class", "[csv_reader]") {
  const auto p = write_temp("fraction.csv", "1,2,0\n3,4,1\n5,6,2.5\n");
  CHECK_THROWS_WITH(read_csv(p, options()), StartsWith(p.string() + ":3: ") &&
                                                Contains("the label \"2.5\" in column 3 of 3 is not an integer class"));
  const auto word = write_temp("word.csv", "setosa,1,2\n");
  CHECK_THROWS_WITH(read_csv(word, options(0)), StartsWith(word.string() + ":1: ") &&
                                                    Contains("the label \"setosa\"") && Contains("not an integer class"));
}

TEST_CASE("csv_reader: error: a label column that is not there", "[csv_reader]") {
  const auto p = write_temp("three.csv", "x,y,z\n1,2,0\n");
  CHECK_THROWS_WITH(read_csv(p, options(3, 0, true)),
                    StartsWith(p.string() + ":1: ") && Contains("label_column 3 is outside the 3 columns"));
  CHECK_THROWS_WITH(read_csv(p, options(-4, 0, true)), Contains("label_column -4 is outside the 3 columns"));
  CsvOptions o = options(0, 0, true);
  o.label_column = std::string("species");
  CHECK_THROWS_WITH(read_csv(p, o), StartsWith(p.string() + ":1: ") &&
                                        Contains("no column is named \"species\"; the header has \"x\", \"y\", \"z\""));
}

TEST_CASE("csv_reader: error: an unclosed quote and corrupt gzip data", "[csv_reader]") {
  const auto q = write_temp("quote.csv", "1,2,0\n\"3,4,1\n");
  CHECK_THROWS_WITH(read_csv(q, options()), StartsWith(q.string() + ":2: ") && Contains("quoted cell is not closed"));

  // A valid gzip header followed by garbage.
  std::string bytes = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03";
  bytes += std::string(64, 'z');
  const auto g = write_temp("corrupt.csv.gz", bytes);
  CHECK_THROWS_WITH(read_csv(g, options()), StartsWith(g.string() + ":1: ") && Contains("cannot read the gzip data"));
}

TEST_CASE("csv_reader: gzip is recognised by content, not by name", "[csv_reader]") {
  std::ostringstream packed;
  {
    boost::iostreams::filtering_ostream out;
    out.push(boost::iostreams::gzip_compressor());
    out.push(packed);
    out << "1,2,0\n3,4,1\n";
  }
  const auto p = write_temp("packed.data", packed.str());
  const auto d = read_csv(p, options());
  CHECK(d.size() == 2);
  CHECK(d.features(1, 1) == 4.0);
}

TEST_CASE("csv_reader: only regular files, of at most LRLAB_MAX_DATA_BYTES (gzip: decompressed too)", "[csv_reader][limits]") {
  // A device and a folder are refused before a byte is read (/dev/zero once filled the memory).
  CHECK_THROWS_WITH(read_csv("/dev/zero", options()), "/dev/zero: is a character device, not a regular file: a data file "
                                                      "must be a regular file");
  const auto p = write_temp("limit.csv", "1,2,0\n3,4,1\n");  // 12 bytes
  CHECK_THROWS_WITH(read_csv(p.parent_path(), options()), p.parent_path().string() + ": is a folder, not a data file");

  std::ostringstream packed;
  {
    boost::iostreams::filtering_ostream out;
    out.push(boost::iostreams::gzip_compressor());
    out.push(packed);
    for (int i = 0; i < 1000; ++i) out << "1,2,0\n3,4,1\n";  // 12000 bytes, far fewer packed
  }
  const auto g = write_temp("limit.csv.gz", packed.str());
  REQUIRE(packed.str().size() < 1000);

  struct Limit {  // LRLAB_MAX_DATA_BYTES for the scope
    explicit Limit(const char* v) { setenv("LRLAB_MAX_DATA_BYTES", v, 1); }
    ~Limit() { unsetenv("LRLAB_MAX_DATA_BYTES"); }
  };
  {
    const Limit limit("11");
    CHECK_THROWS_WITH(read_csv(p, options()), p.string() + ": the data file is 12 bytes, more than the limit of 11 bytes "
                                                           "(set LRLAB_MAX_DATA_BYTES to read a larger file)");
  }
  {
    const Limit limit("12");
    CHECK(read_csv(p, options()).size() == 2);
  }
  {
    const Limit limit("11999");
    CHECK_THROWS_WITH(read_csv(g, options()), StartsWith(g.string() + ": the gzip data decompresses to more than the limit "
                                                                      "of 11999 bytes"));
  }
  {
    const Limit limit("12000");
    CHECK(read_csv(g, options()).size() == 2000);
  }
  {
    const Limit limit("1e9");
    CHECK_THROWS_WITH(read_csv(p, options()), Contains("LRLAB_MAX_DATA_BYTES=\"1e9\" is not a number of bytes"));
  }
  CHECK(lrlab::tasks::max_data_bytes() == std::uint64_t{1} << 30);
}
