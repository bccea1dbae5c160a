#include "csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <boost/iostreams/device/file_descriptor.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <boost/iostreams/operations.hpp>

#include <lrlab/errors.hpp>

namespace lrlab::tasks {
namespace {

std::atomic<std::uint64_t> files_read{0};

// "FILE:LINE: ", the prefix of every message about a line.
std::string at(const std::filesystem::path& file, std::int64_t line) {
  return file.string() + ":" + std::to_string(line) + ": ";
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string_view trim(std::string_view s, char delimiter) {
  auto space = [delimiter](char c) { return c == ' ' || (c == '\t' && delimiter != '\t'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits one line into cells, RFC 4180 quoting within the line. Returns false when a quote is
// left open. Unquoted cells are trimmed of spaces; quoted ones are kept as written.
bool split_cells(std::string_view line, char delimiter, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool in_quotes = false, was_quoted = false;
  auto finish = [&] {
    cells.emplace_back(was_quoted ? std::string_view(cell) : trim(cell, delimiter));
    cell.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c != '"') {
        cell += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else {
        in_quotes = false;
      }
    } else if (c == delimiter) {
      finish();
    } else if (c == '"' && !was_quoted && trim(cell, delimiter).empty()) {
      cell.clear();  // spaces before an opening quote are not part of the cell
      in_quotes = was_quoted = true;
    } else if (!(was_quoted && (c == ' ' || c == '\t'))) {
      cell += c;
    }
  }
  if (in_quotes) return false;
  finish();
  return true;
}

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars, unlike strtod, refuses '+'
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string column_name(const std::vector<std::string>& names, std::size_t col, std::size_t count) {
  if (!names.empty()) return "column " + std::to_string(col + 1) + " (\"" + names[col] + "\")";
  return "column " + std::to_string(col + 1) + " of " + std::to_string(count);
}

std::string show(const std::string& s) { return "\"" + s + "\""; }

std::string limit_hint(std::uint64_t limit) {
  return "the limit of " + std::to_string(limit) + " bytes (set LRLAB_MAX_DATA_BYTES to read a larger file)";
}

// What a file that is not a regular file is, for the message.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// `file` opened for reading, once it is known to be a regular file no larger than `limit`: a FIFO
// would block forever and a device (/dev/zero) never end, so neither is read at all. Opened
// without blocking (a FIFO with no writer would block the open itself) and checked on the open
// descriptor, so that what is checked is what is read.
int open_data_file(const std::filesystem::path& file, std::uint64_t limit) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw TaskError(file.string() + ": no such data file");
    throw TaskError(file.string() + ": cannot open the data file for reading: " + std::strerror(err));
  }
  struct stat st {};
  std::string problem;
  if (fstat(fd, &st) != 0) {
    problem = std::string("cannot read the data file: ") + std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    problem = "is a folder, not a data file";
  } else if (!S_ISREG(st.st_mode)) {
    problem = std::string("is ") + file_kind(st.st_mode) + ", not a regular file: a data file must be a regular file";
  } else if (static_cast<std::uint64_t>(st.st_size) > limit) {
    problem = "the data file is " + std::to_string(st.st_size) + " bytes, more than " + limit_hint(limit);
  } else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    problem = std::string("cannot read the data file: ") + std::strerror(errno);
  }
  if (!problem.empty()) {
    ::close(fd);
    throw TaskError(file.string() + ": " + problem);
  }
  return fd;
}

// Passes bytes through, counting them: past `limit`, a TaskError. After a gzip decompressor it
// bounds what a small file may decompress to.
class ByteLimit : public boost::iostreams::multichar_input_filter {
 public:
  ByteLimit(std::string file, std::uint64_t limit) : file_(std::move(file)), limit_(limit) {}
  template <typename Source>
  std::streamsize read(Source& src, char* s, std::streamsize n) {
    const std::streamsize got = boost::iostreams::read(src, s, n);
    if (got > 0 && (seen_ += static_cast<std::uint64_t>(got)) > limit_)
      throw TaskError(file_ + ": the gzip data decompresses to more than " + limit_hint(limit_));
    return got;
  }

 private:
  std::string file_;
  std::uint64_t limit_;
  std::uint64_t seen_ = 0;
};

// The 0-based index of the label column, from the first line's cells (the header, if any).
std::size_t label_index(const CsvOptions& o, const std::vector<std::string>& header, std::size_t columns,
                        const std::string& where) {
  if (const auto* name = std::get_if<std::string>(&o.label_column)) {
    if (header.empty())
      throw TaskError(where + "label_column " + show(*name) + " names a column, which needs \"header\": true");
    const auto it = std::find(header.begin(), header.end(), *name);
    if (it == header.end()) {
      std::string list;
      for (const auto& h : header) list += (list.empty() ? "" : ", ") + show(h);
      throw TaskError(where + "no column is named " + show(*name) + "; the header has " + list);
    }
    return static_cast<std::size_t>(it - header.begin());
  }
  const std::int64_t i = std::get<std::int64_t>(o.label_column);
  const auto n = static_cast<std::int64_t>(columns);
  const std::int64_t index = i < 0 ? n + i : i;
  if (index < 0 || index >= n)
    throw TaskError(where + "label_column " + std::to_string(i) + " is outside the " + std::to_string(n) +
                    " columns of this line (0 .. " + std::to_string(n - 1) + ", or -1 .. -" + std::to_string(n) + ")");
  return static_cast<std::size_t>(index);
}

}  // namespace

std::string CsvOptions::key() const {
  std::string k = "delimiter=" + std::to_string(static_cast<int>(delimiter)) + ";skip_rows=" + std::to_string(skip_rows) +
                  ";header=" + (header ? "1" : "0") + ";label=";
  if (const auto* name = std::get_if<std::string>(&label_column)) return k + "name:" + *name;
  return k + "index:" + std::to_string(std::get<std::int64_t>(label_column));
}

std::uint64_t csv_files_read() { return files_read.load(); }

std::uint64_t max_data_bytes() {
  const char* env = std::getenv("LRLAB_MAX_DATA_BYTES");
  if (!env || !*env) return default_max_data_bytes;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(env, env + std::strlen(env), v);
  if (ec != std::errc() || *end != '\0' || v == 0)
    throw TaskError(std::string("LRLAB_MAX_DATA_BYTES=\"") + env + "\" is not a number of bytes (a positive integer, e.g. 2147483648)");
  return v;
}

Dataset read_csv(const std::filesystem::path& file, const CsvOptions& options) {
  const std::uint64_t limit = max_data_bytes();
  const int fd = open_data_file(file, limit);
  files_read.fetch_add(1);

  // gzip is recognised by its magic bytes 1f 8b (RFC 1952), not by the file's name.
  unsigned char magic[2] = {0, 0};
  const bool gzip = pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  boost::iostreams::filtering_istream in;
  if (gzip) {
    in.push(ByteLimit(file.string(), limit));
    in.push(boost::iostreams::gzip_decompressor());
  }
  in.push(boost::iostreams::file_descriptor_source(fd, boost::iostreams::close_handle));
  in.exceptions(std::ios::badbit);  // a decompression error surfaces as an exception, not as EOF

  Dataset data;
  data.source = file.string();
  std::vector<std::string> cells, header;
  std::vector<double> values;  // example after example: exactly the d x n column-major layout
  std::vector<std::int64_t> labels;
  std::size_t columns = 0, label = 0;
  std::int64_t first_line = 0, line_no = 0;
  bool header_pending = options.header;
  std::string text;
  try {
    while (std::getline(in, text)) {
      ++line_no;
      if (line_no <= options.skip_rows) continue;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (is_blank(text)) continue;
      const std::string where = at(file, line_no);
      if (!split_cells(text, options.delimiter, cells)) throw TaskError(where + "a quoted cell is not closed on its line");
      if (columns == 0) {
        columns = cells.size();
        first_line = line_no;
        if (header_pending) header = cells;
        label = label_index(options, header, columns, where);
        if (columns < 2)
          throw TaskError(where + "found 1 column; a data set needs at least one feature and the label (is \"delimiter\" right?)");
      } else if (cells.size() != columns) {
        throw TaskError(where + "found " + std::to_string(cells.size()) + " cells, but line " + std::to_string(first_line) +
                        " has " + std::to_string(columns) + ": every row needs the same columns");
      }
      if (header_pending) {
        header_pending = false;
        continue;
      }
      for (std::size_t c = 0; c < columns; ++c) {
        const std::optional<double> v = parse_number(cells[c]);
        if (c == label) {
          if (!v || !std::isfinite(*v) || std::floor(*v) != *v || std::abs(*v) > 0x1p53)
            throw TaskError(where + "the label " + show(cells[c]) + " in " + column_name(header, c, columns) +
                            " is not an integer class");
          labels.push_back(static_cast<std::int64_t>(*v));
        } else if (!v) {
          throw TaskError(where + show(cells[c]) + " in " + column_name(header, c, columns) + " is not a number");
        } else if (!std::isfinite(*v)) {
          throw TaskError(where + show(cells[c]) + " in " + column_name(header, c, columns) +
                          " is not a finite number (missing values must be filled in before training)");
        } else {
          values.push_back(*v);
        }
      }
    }
  } catch (const TaskError&) {
    throw;
  } catch (const std::exception& e) {
    throw TaskError(at(file, line_no + 1) + "cannot read " + (gzip ? "the gzip data" : "the file") + ": " + e.what());
  }
  if (labels.empty()) {
    if (line_no == 0) throw TaskError(at(file, 1) + "the file is empty");
    std::string used = options.skip_rows > 0 ? "skip_rows=" + std::to_string(options.skip_rows) : "";
    if (options.header) used += (used.empty() ? "" : " and ") + std::string("the header line");
    throw TaskError(at(file, line_no) + "no examples in the file's " + std::to_string(line_no) + " line(s)" +
                    (used.empty() ? "" : " after " + used));
  }

  const auto d = static_cast<Eigen::Index>(columns - 1);
  const auto n = static_cast<Eigen::Index>(labels.size());
  data.features = Eigen::Map<const Eigen::MatrixXd>(values.data(), d, n);
  data.classes = labels;
  std::sort(data.classes.begin(), data.classes.end());
  data.classes.erase(std::unique(data.classes.begin(), data.classes.end()), data.classes.end());
  data.labels.reserve(labels.size());
  for (const std::int64_t y : labels)
    data.labels.push_back(static_cast<int>(std::lower_bound(data.classes.begin(), data.classes.end(), y) - data.classes.begin()));
  for (std::size_t c = 0; c < columns; ++c)
    if (c != label) data.feature_names.push_back(header.empty() ? "column " + std::to_string(c + 1) : header[c]);
  return data;
}

}  // namespace lrlab::tasks
