#include "lrlab/spec.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lrlab/errors.hpp"

namespace lrlab {

namespace {

// "file:line:column" of byte `end` (0-based) of `text`.
std::string place(const std::string& source, const std::string& text, std::size_t end) {
  std::size_t line = 1, column = 1;
  end = std::min(end, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// Where the number `token` stands in `text` as a whole JSON number outside any string: its first
// such occurrence is the one a parser that stops at the first bad number stopped at.
std::size_t number_position(const std::string& text, const std::string& token) {
  const auto in_number = [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; };
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (in_string) {
      if (text[i] == '\\') ++i;
      else if (text[i] == '"') in_string = false;
    } else if (text[i] == '"') {
      in_string = true;
    } else if (!token.empty() && text.compare(i, token.size(), token) == 0 && (i == 0 || !in_number(text[i - 1])) &&
               (i + token.size() == text.size() || !in_number(text[i + token.size()]))) {
      return i;
    }
  }
  return 0;
}

}  // namespace

Spec parse_spec(const std::string& text, const std::string& source, const std::filesystem::path& dir) {
  Spec spec;
  spec.dir = dir;
  try {
    spec.json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset (1-based, pointing just past the bad token); users want
    // line and column, as compilers give them.
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: " prefix.
    if (auto pos = what.find(": "); pos != std::string::npos) what = what.substr(pos + 2);
    throw SpecError("", place(source, text, e.byte > 0 ? e.byte - 1 : 0) + ": JSON syntax error: " + what);
  } catch (const Json::out_of_range& e) {
    // A number beyond the range of a double ("1e400": "[json.exception.out_of_range.406] number
    // overflow parsing '1e400'"), which nlohmann reports without a position: find the number.
    const std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    const std::string token = open != std::string::npos && close > open ? what.substr(open + 1, close - open - 1) : "";
    throw SpecError("", place(source, text, number_position(text, token)) + ": the number " + token +
                            " is out of range (the largest a spec can hold is about 1.8e308)");
  }
  if (!spec.json.is_object()) throw SpecError("", source + ": the spec must be a JSON object {...}");
  return spec;
}

Spec load_spec(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SpecError("", "cannot read spec file " + file.string() + ": no such file or not readable");
  std::ostringstream ss;
  ss << in.rdbuf();
  Spec spec = parse_spec(ss.str(), file.string(), file.parent_path().empty() ? "." : file.parent_path());
  spec.file = file;
  return spec;
}

}  // namespace lrlab
