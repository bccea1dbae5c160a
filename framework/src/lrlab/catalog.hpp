#pragma once
// Catalog: every component the core knows, from the built-ins and the plugin libraries it loaded.
//
// Libraries are found in, in order: the folder of plugins beside the binary (build tree:
// <bin>/plugins; installation: <bin>/../lib/lrlab/plugins), each --plugin-dir, and each folder of
// LRLAB_PLUGIN_PATH (colon-separated). A folder contributes every `lrlab_*.so` in it. A library is
// loaded once however many folders name it, and never unloaded while the process runs: objects a
// plugin made (schedules, tasks, their vtables) must not outlive its code.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/component.hpp"
#include "lrlab/plugin.hpp"

namespace lrlab {

// A component as the catalogue records it: the plugin's declaration (the SDK's ComponentDecl: name,
// documentation, parameters, kind, factory) and the library file it came from, which plugins never
// see. `library` names the file, or "(built in: NAME)" for components linked into the binary.
struct ComponentInfo : ComponentDecl {
  std::string library;
};

struct LibraryInfo {
  std::string name;     // the plugin's own name ("decay")
  std::string version;  // the plugin's version
  std::filesystem::path path;  // empty for components built into the binary
  std::uint32_t sdk_version = 0;
  std::string sha256;          // of the library file, for provenance and `lrlab verify`
};

class Catalog {
 public:
  // Load one library file; throws PluginLoadError saying what is wrong, with the file.
  void load_library(const std::filesystem::path& file);
  // Load every lrlab_*.so in `dir`; a folder that does not exist is a PluginLoadError.
  void load_directory(const std::filesystem::path& dir);
  // Register components linked into this binary (the core's combinators, or plugins in tests).
  void add_static(const std::string& name, const std::string& version, void (*register_fn)(Registry&));

  // The standard set: built-ins, the plugins beside the binary, `extra_dirs`, LRLAB_PLUGIN_PATH.
  // `home`, when given, is the folder of plugins instead of the one beside the binary: the Python
  // module's (whose binary is the interpreter).
  static Catalog standard(const std::vector<std::filesystem::path>& extra_dirs,
                          const std::optional<std::filesystem::path>& home = std::nullopt);

  // The component `name` of `kind`; `library` picks one when several libraries define it.
  // Throws SpecError at `pointer` for an unknown name (with the nearest valid one) or an
  // ambiguous one (naming the files).
  const ComponentInfo& find(Kind kind, const std::string& name, const std::string& pointer,
                            const std::optional<std::string>& library = std::nullopt) const;

  std::vector<const ComponentInfo*> components() const;
  const std::vector<LibraryInfo>& libraries() const { return libraries_; }
  // The library a component came from (ComponentInfo::library names it).
  const LibraryInfo* library_of(const ComponentInfo& c) const;

 private:
  void take(Registry& r, const LibraryInfo& lib);
  std::vector<ComponentInfo> components_;
  std::vector<LibraryInfo> libraries_;
  std::vector<std::filesystem::path> loaded_files_;
};

// Where the running binary lives (for finding its plugins).
std::filesystem::path program_directory();

}  // namespace lrlab
