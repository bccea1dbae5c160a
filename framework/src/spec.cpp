#include "lrlab/spec.hpp"

#include <fstream>
#include <sstream>

#include "lrlab/errors.hpp"

namespace lrlab {

Spec parse_spec(const std::string& text, const std::string& source, const std::filesystem::path& dir) {
  Spec spec;
  spec.dir = dir;
  try {
    spec.json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset (1-based, pointing just past the bad token); users want
    // line and column, as compilers give them.
    std::size_t line = 1, column = 1;
    const std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: " prefix.
    if (auto pos = what.find(": "); pos != std::string::npos) what = what.substr(pos + 2);
    throw SpecError("", source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": JSON syntax error: " + what);
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
