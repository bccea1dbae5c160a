#include "lrlab/inputs.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/sha256.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {

std::string label(const Input& in) {
  if (in.kind == "data") return "data file " + in.name;
  if (in.kind == "plugin") return "plugin " + in.name;
  if (in.kind == "build") return "the lrlab build";
  if (in.kind == "plan") return "the planned trials (spec and resolved configurations)";
  return in.kind + " " + in.name;
}

// One side of a difference: where the input is and the start of its hash.
std::string describe(const Input& in) {
  const std::string hash = "sha256 " + in.sha256.substr(0, 12);
  if (in.kind == "build") return in.detail + " (" + hash + ")";
  return (in.path.empty() ? in.detail : in.path) + " (" + hash + ")";
}

std::string program_path() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

}  // namespace

std::vector<LibraryInfo> used_libraries(const Catalog& catalog, const Experiment& ex) {
  const std::set<std::string>& types = ex.component_types;
  std::vector<LibraryInfo> out;
  std::set<std::string> seen;
  for (const auto* c : catalog.components())
    if (types.count(c->name))
      if (const LibraryInfo* lib = catalog.library_of(*c); lib && seen.insert(lib->name + lib->path.string()).second)
        out.push_back(*lib);
  return out;
}

std::vector<std::pair<LibraryInfo, bool>> loaded_libraries(const Catalog& catalog, const std::vector<LibraryInfo>& used) {
  std::vector<std::pair<LibraryInfo, bool>> out;
  for (const auto& lib : catalog.libraries()) {
    const bool is_used = std::any_of(used.begin(), used.end(),
                                     [&](const LibraryInfo& u) { return u.name == lib.name && u.path == lib.path; });
    out.emplace_back(lib, is_used);
  }
  return out;
}

std::string numerics_description() {
  std::string s = std::string("lrlab ") + build_info::version + ", commit " + build_info::git_commit;
  if (*build_info::source_changes) s += std::string(" with changes ") + std::string(build_info::source_changes).substr(0, 12);
  s += std::string(", ") + build_info::compiler + ", " + build_info::build_type + ", flags \"" + build_info::cxx_flags + "\"";
  return s;
}

std::vector<Input> collect_inputs(const SharedData& shared, const std::vector<LibraryInfo>& used) {
  std::vector<Input> out;
  const std::string numerics = numerics_description();
  out.push_back({"build", "lrlab", program_path(), sha256_hex(numerics), numerics});
  std::set<std::string> names;
  for (const auto& lib : used) {
    if (lib.path.empty()) continue;  // built into the binary: part of the build
    // Two libraries of one name (copies in two folders) stay apart.
    const std::string name = names.insert(lib.name).second ? lib.name : lib.name + " (" + lib.path.string() + ")";
    out.push_back({"plugin", name, lib.path.string(), lib.sha256, "version " + lib.version});
  }
  for (const auto& file : shared.inputs()) {
    try {
      out.push_back({"data", file.name, file.path.string(), sha256_file(file.path), ""});
    } catch (const std::exception& e) {
      throw SpecError("", "data file " + file.name + ": " + e.what());
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Input& a, const Input& b) {
    return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
  });
  return out;
}

std::vector<std::string> input_changes(const std::vector<Input>& first, const std::vector<Input>& second,
                                       const std::string& before, const std::string& after) {
  std::map<std::pair<std::string, std::string>, std::pair<const Input*, const Input*>> by_key;
  for (const auto& in : first) by_key[{in.kind, in.name}].first = &in;
  for (const auto& in : second) by_key[{in.kind, in.name}].second = &in;
  std::vector<std::string> out;
  for (const auto& [key, sides] : by_key) {
    const auto [a, b] = sides;
    if (a && b && a->sha256 == b->sha256) continue;  // the same bytes, wherever they are now
    const Input& any = a ? *a : *b;
    out.push_back(label(any) + ": " + before + " " + (a ? describe(*a) : "not used") + ", " + after + " " +
                  (b ? describe(*b) : "not used"));
  }
  return out;
}

std::string inputs_text(const std::vector<Input>& inputs) {
  std::string s;
  for (const auto& in : inputs) s += in.kind + '\t' + in.name + '\t' + in.path + '\t' + in.sha256 + '\t' + in.detail + '\n';
  return s;
}

std::vector<Input> parse_inputs_text(const std::string& text) {
  std::vector<Input> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    Input in;
    for (std::string* field : {&in.kind, &in.name, &in.path, &in.sha256}) std::getline(fields, *field, '\t');
    std::getline(fields, in.detail);  // the rest of the line
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace lrlab
