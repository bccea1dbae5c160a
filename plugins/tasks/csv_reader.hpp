#pragma once
// Reading a labelled data set from a CSV file, plain or gzip-compressed (recognised by its magic
// bytes, whatever the file is called).
//
// The format is the common one: one example per line, cells separated by `delimiter`, a cell may
// be double-quoted (RFC 4180: "" inside quotes is a quote, and a quoted cell may hold the
// delimiter; it may not span lines). Blank lines are ignored, as pandas.read_csv does by default.
// First `skip_rows` lines are skipped (breast_cancer.csv's first line is a line of counts), then,
// with `header`, one line of column names. Every other line is an example: numbers in every
// column, and in the label column an integer class (1, 7, -1; "3.0" is accepted as 3).
//
// Any problem is a TaskError whose message starts "FILE:LINE: " (or "FILE: " when there is no
// line to point at: a missing file), like a compiler's, so an editor can jump to it.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

#include "dataset.hpp"

namespace lrlab::tasks {

struct CsvOptions {
  char delimiter = ',';
  std::int64_t skip_rows = 0;  // lines skipped before anything else
  bool header = false;         // the first line after them names the columns
  // The label's column: an index (negative counts from the end: -1 is the last column) or, with
  // a header, a column name.
  std::variant<std::int64_t, std::string> label_column = std::int64_t{-1};

  // A text that identifies these options, for cache keys.
  std::string key() const;
};

// Reads `file`. Class labels are numbered 0 .. K-1 in increasing order of their values in the
// file (as scikit-learn's LabelEncoder does), so labels 1..3 and labels 0..2 train alike; the
// values are kept in Dataset::classes.
Dataset read_csv(const std::filesystem::path& file, const CsvOptions& options);

// The most bytes a data file may hold, and a gzip file decompress to: the environment variable
// LRLAB_MAX_DATA_BYTES when set (a positive integer; anything else is a TaskError), else 1 GiB.
// read_csv refuses a larger file before reading it, and anything but a regular file (a FIFO would
// block forever, /dev/zero never end), with a message naming the file, its size and the limit.
inline constexpr std::uint64_t default_max_data_bytes = std::uint64_t{1} << 30;
std::uint64_t max_data_bytes();

// How many files read_csv has opened in this process: lets tests check that a sweep reads its
// data once however many trials use it.
std::uint64_t csv_files_read();

}  // namespace lrlab::tasks
