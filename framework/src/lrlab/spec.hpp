#pragma once
// The experiment spec file: reading it and turning syntax errors into file:line:column messages.
// What the spec means (sections, grid, trials) is experiment.hpp's business.
#include <filesystem>
#include <string>

#include "lrlab/json.hpp"

namespace lrlab {

struct Spec {
  std::filesystem::path file;  // as given on the command line
  std::filesystem::path dir;   // relative paths in the spec resolve against it
  Json json;                   // as written, key order kept
};

// Throws SpecError: "spec.json:12:5: syntax error: ..." or "cannot read spec.json: ...".
Spec load_spec(const std::filesystem::path& file);

// Parse spec text; `source` names it in messages.
Spec parse_spec(const std::string& text, const std::string& source, const std::filesystem::path& dir);

}  // namespace lrlab
