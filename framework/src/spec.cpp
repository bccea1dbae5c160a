#include "lrlab/spec.hpp"

#include <algorithm>
#include <fstream>
#include <map>

#include "lrlab/errors.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab {

namespace {

struct LineColumn {
  std::size_t line = 1, column = 1;
};

// The line and column (1-based) of byte `end` (0-based) of `text`.
LineColumn line_column(const std::string& text, std::size_t end) {
  LineColumn at;
  end = std::min(end, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

// "file:line:column" of byte `end` (0-based) of `text`.
std::string place(const std::string& source, const std::string& text, std::size_t end) {
  const LineColumn at = line_column(text, end);
  return source + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
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

// The first key that an object of `text` (valid JSON) holds twice: nlohmann, like most parsers,
// keeps the last value and drops the other without a word, so a spec that sets a value twice would
// run with one of them silently. A SpecError names the key's pointer and both places.
void refuse_duplicate_keys(const std::string& source, const std::string& text) {
  struct Frame {
    bool object;
    std::string pointer;
    std::map<std::string, std::size_t> keys;  // key -> byte offset where it was written
    std::string key;                           // the current member's key (objects)
    std::size_t index = 0;                     // the current element's index (lists)
    bool expect_key = true;
  };
  std::vector<Frame> stack;
  const auto child_pointer = [&] {
    if (stack.empty()) return std::string();
    const Frame& f = stack.back();
    return f.object ? pointer_join(f.pointer, f.key) : pointer_join(f.pointer, f.index);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      stack.push_back(Frame{c == '{', child_pointer(), {}, {}, 0, true});
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object) stack.back().expect_key = true;
        else ++stack.back().index;
      }
    } else if (c == '"') {
      const std::size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (stack.empty() || !stack.back().object || !stack.back().expect_key) continue;  // a value
      Frame& f = stack.back();
      f.key = Json::parse(text.substr(start, i + 1 - start)).get<std::string>();  // escapes decoded: "\u0061" is "a"
      f.expect_key = false;
      const auto [it, inserted] = f.keys.emplace(f.key, start);
      if (!inserted)
        throw SpecError(pointer_join(f.pointer, f.key),
                        place(source, text, start) + ": the key \"" + f.key + "\" is given twice in this object (first at line " +
                            std::to_string(line_column(text, it->second).line) + "); JSON keeps only one of them: give it once");
    }
  }
}

}  // namespace

Spec parse_spec(const std::string& text, const std::string& source, const std::filesystem::path& dir) {
  Spec spec;
  spec.dir = dir;
  // nlohmann's lexer takes a NUL byte for the end of input (it also parses C strings), so
  // `{...}<NUL>anything` would parse as the part before it: refuse the byte, saying where it is.
  if (const auto nul = text.find('\0'); nul != std::string::npos)
    throw SpecError("", place(source, text, nul) + ": the spec holds a NUL byte (a binary file, or text saved as UTF-16?); "
                                                  "a spec is UTF-8 JSON text");
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
  refuse_duplicate_keys(source, text);
  return spec;
}

Spec load_spec(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw SpecError("", "cannot read spec file " + file.string() + ": it is a folder");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SpecError("", "cannot read spec file " + file.string() + ": no such file or not readable");
  // Read in pieces up to a bound: a spec named /dev/zero (or any endless stream) is an error, not
  // all of the memory. A pipe (`lrlab run <(...)`) is fine.
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_spec_bytes)
      throw SpecError("", "cannot read spec file " + file.string() + ": it holds more than " + std::to_string(max_spec_bytes) +
                              " bytes, far more than a spec needs (the grid's lists are expanded by lrlab, not written out)");
  }
  if (in.bad()) throw SpecError("", "cannot read spec file " + file.string() + ": a read error");
  Spec spec = parse_spec(text, file.string(), file.parent_path().empty() ? "." : file.parent_path());
  spec.file = file;
  return spec;
}

}  // namespace lrlab
