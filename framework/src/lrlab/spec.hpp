#pragma once
// The experiment spec file: reading it and turning syntax errors into file:line:column messages.
// What the spec means (sections, grid, trials) is experiment.hpp's business.
#include <cstddef>
#include <filesystem>
#include <string>

#include "lrlab/json.hpp"

namespace lrlab {

struct Spec {
  std::filesystem::path file;  // as given on the command line
  std::filesystem::path dir;   // relative paths in the spec resolve against it
  Json json;                   // as written, key order kept
};

// The largest spec file lrlab reads (16 MiB).
inline constexpr std::size_t max_spec_bytes = std::size_t{16} << 20;

// Throws SpecError: "spec.json:12:5: syntax error: ..." or "cannot read spec.json: ...".
Spec load_spec(const std::filesystem::path& file);

// Parse spec text; `source` names it in messages. A key given twice in one object is a SpecError
// with its pointer and both lines.
Spec parse_spec(const std::string& text, const std::string& source, const std::filesystem::path& dir);

}  // namespace lrlab
