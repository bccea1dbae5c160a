#include "lrlab/catalog.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "lrlab/build_info.hpp"
#include "lrlab/builtins.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {
// Loaded libraries live until the process ends (see the header): deliberately never freed.
std::vector<boost::dll::shared_library>& open_libraries() {
  static auto* libs = new std::vector<boost::dll::shared_library>();
  return *libs;
}

// Native code from a file anyone may replace runs with the user's rights: say so, as a loader of
// plugins should (the file is still loaded: refusing would break shared setups that mean it).
void warn_if_writable_by_others(const fs::path& p, const char* what) {
  struct stat st {};
  if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX)))
    std::fprintf(stderr, "lrlab: warning: %s %s is writable by every user: anyone could replace the code lrlab loads\n", what,
                 p.c_str());
}

// While a library loads and registers, a crash in its code (a static constructor, the entry
// point) names the library before the process dies with that signal.
class CrashNamesLibrary {
 public:
  explicit CrashNamesLibrary(const fs::path& file) {
    const std::string text = "lrlab: crashed while loading plugin library " + file.string() + "\n";
    std::snprintf(message_, sizeof message_, "%s", text.c_str());
    current_ = this;
    struct sigaction sa {};
    sa.sa_handler = &CrashNamesLibrary::on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;  // the default action after this handler: the process still dies of it
    for (std::size_t i = 0; i < std::size(signals_); ++i) sigaction(signals_[i], &sa, &previous_[i]);
  }
  ~CrashNamesLibrary() {
    for (std::size_t i = 0; i < std::size(signals_); ++i) sigaction(signals_[i], &previous_[i], nullptr);
    current_ = nullptr;
  }
  CrashNamesLibrary(const CrashNamesLibrary&) = delete;
  CrashNamesLibrary& operator=(const CrashNamesLibrary&) = delete;

 private:
  static void on_crash(int sig) {
    if (current_) {
      const ssize_t n = write(STDERR_FILENO, current_->message_, std::strlen(current_->message_));
      (void)n;
    }
    raise(sig);  // SA_RESETHAND restored the default action
  }
  static constexpr int signals_[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
  static inline CrashNamesLibrary* current_ = nullptr;
  struct sigaction previous_[std::size(signals_)] {};
  char message_[4096] = {};
};

// What ComponentInfo::library says for the components of `lib`.
std::string library_label(const LibraryInfo& lib) {
  return lib.path.empty() ? "(built in: " + lib.name + ")" : lib.path.string();
}
}  // namespace

fs::path program_directory() { return fs::path(boost::dll::program_location().parent_path().string()); }

void Catalog::take(Registry& r, const LibraryInfo& lib) {
  const std::string label = library_label(lib);
  for (auto& c : r.components()) components_.push_back(ComponentInfo{std::move(c), label});
  libraries_.push_back(lib);
}

void Catalog::add_static(const std::string& name, const std::string& version, void (*register_fn)(Registry&)) {
  Registry r;
  register_fn(r);
  take(r, LibraryInfo{name, version, {}, LRLAB_SDK_VERSION, ""});
}

void Catalog::load_library(const fs::path& file) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  if (std::find(loaded_files_.begin(), loaded_files_.end(), canonical) != loaded_files_.end()) return;
  if (!fs::exists(file)) throw PluginLoadError("plugin library " + file.string() + " does not exist");
  warn_if_writable_by_others(file, "plugin library");
  const CrashNamesLibrary guard(file);

  boost::dll::shared_library lib;
  try {
    lib.load(boost::dll::fs::path(file.string()), boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    // The dynamic loader's own words: a missing dependency names the library it could not find.
    throw PluginLoadError("cannot load plugin library " + file.string() + ": " + e.what() +
                          "\n  (check that the libraries it depends on are installed: ldd " + file.string() + ")");
  }
  if (!lib.has("lrlab_plugin_entry"))
    throw PluginLoadError("plugin library " + file.string() +
                          " has no entry point lrlab_plugin_entry: it is not an lrlab plugin, or it was built "
                          "without lrlab_add_plugin() / LRLAB_PLUGIN_COMPONENTS(...)");
  auto entry_fn = lib.get<const lrlab_plugin_entry_t*()>("lrlab_plugin_entry");
  const lrlab_plugin_entry_t* entry = entry_fn();
  if (entry == nullptr || entry->sdk_version != LRLAB_SDK_VERSION) {
    std::ostringstream msg;
    msg << "plugin library " << file.string() << " was built for lrlab SDK version "
        << (entry ? std::to_string(entry->sdk_version) : std::string("?")) << ", but this lrlab has SDK version "
        << LRLAB_SDK_VERSION << ": rebuild the plugin against this lrlab";
    throw PluginLoadError(msg.str());
  }
  Registry r;
  try {
    entry->register_components(r);
  } catch (const std::exception& e) {
    throw PluginLoadError("plugin library " + file.string() + " failed while registering its components: " + e.what());
  } catch (...) {
    // `throw 42`: not a std::exception, but still the plugin's error, not a reason to abort.
    throw PluginLoadError("plugin library " + file.string() +
                          " failed while registering its components: it threw something that is not a std::exception");
  }
  take(r, LibraryInfo{entry->name, entry->version, canonical, entry->sdk_version, sha256_file(file)});
  loaded_files_.push_back(canonical);
  open_libraries().push_back(std::move(lib));
}

namespace {
// Libraries lrlab's own plugins keep beside them and open themselves: not plugins, no warning.
// (The torch plugin's LibTorch half, plugins/torch/torch_entry.hpp.)
bool is_plugin_helper(const std::string& file_name) { return file_name == "torch_task_impl.so"; }
}  // namespace

void Catalog::load_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw PluginLoadError("plugin folder " + dir.string() + " does not exist or is not a folder");
  warn_if_writable_by_others(dir, "plugin folder");
  std::vector<fs::path> files;
  std::vector<std::string> others;  // shared libraries that are not named as plugins
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string fname = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".so") continue;
    if (fname.starts_with("lrlab_")) files.push_back(e.path());
    else if (!is_plugin_helper(fname)) others.push_back(fname);
  }
  if (!others.empty()) {
    // A plugin built by hand as libfoo.so would otherwise be skipped without a word.
    std::sort(others.begin(), others.end());
    std::string list;
    for (const auto& f : others) list += (list.empty() ? "" : ", ") + f;
    std::fprintf(stderr, "lrlab: warning: plugin folder %s holds .so files that are not loaded: %s (lrlab loads only "
                 "lrlab_*.so: name a plugin lrlab_<name>.so, as lrlab_add_plugin does)\n", dir.string().c_str(), list.c_str());
  }
  std::sort(files.begin(), files.end());  // a stable order, whatever the file system's
  for (const auto& f : files) load_library(f);
}

Catalog Catalog::standard(const std::vector<fs::path>& extra_dirs, const std::optional<fs::path>& home) {
  Catalog c;
  c.add_static("core", build_info::version, &register_builtin_components);
  const fs::path bin = program_directory();
  const std::vector<fs::path> homes = home ? std::vector<fs::path>{*home}
                                           : std::vector<fs::path>{bin / "plugins", bin / ".." / "lib" / "lrlab" / "plugins"};
  for (const fs::path& d : homes) {
    std::error_code ec;
    if (fs::is_directory(d, ec)) {
      c.load_directory(d);
      break;  // the build tree's or the installation's, never both
    }
  }
  for (const auto& d : extra_dirs) c.load_directory(d);
  if (const char* env = std::getenv("LRLAB_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string d;
    while (std::getline(ss, d, ':')) {
      if (d.empty()) continue;
      if (fs::path(d).is_relative())
        std::fprintf(stderr,
                     "lrlab: warning: LRLAB_PLUGIN_PATH entry \"%s\" is relative: which plugins load depends on the "
                     "folder lrlab is started from\n",
                     d.c_str());
      c.load_directory(d);
    }
  }
  return c;
}

const ComponentInfo& Catalog::find(Kind kind, const std::string& name, const std::string& pointer,
                                   const std::optional<std::string>& library) const {
  std::vector<const ComponentInfo*> hits;
  std::vector<std::string> names;
  for (const auto& c : components_) {
    if (c.kind != kind) continue;
    names.push_back(c.name);
    if (c.name != name) continue;
    if (library) {
      const fs::path lib(c.library);
      const std::string stem = lib.stem().string();
      if (c.library != *library && stem != *library && stem != "lrlab_" + *library) continue;
    }
    hits.push_back(&c);
  }
  if (hits.size() == 1) return *hits.front();
  if (hits.empty()) {
    if (library)
      throw SpecError(pointer, std::string("no ") + to_string(kind) + " named " + name + " in library " + *library);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw SpecError(pointer, std::string("unknown ") + to_string(kind) + " type " + name + did_you_mean(name, names) +
                                 " (known: " + known + "); a type from a plugin of your own needs its folder: "
                                 "--plugin-dir DIR or LRLAB_PLUGIN_PATH (`lrlab plugins` lists what is loaded)");
  }
  std::string files;
  for (const auto* h : hits) files += "\n  " + h->library;
  throw SpecError(pointer, std::string(to_string(kind)) + " " + name + " is defined by several libraries:" + files +
                               "\n  pick one with \"library\": \"<file or plugin name>\" in the component");
}

const LibraryInfo* Catalog::library_of(const ComponentInfo& c) const {
  for (const auto& lib : libraries_)
    if (library_label(lib) == c.library) return &lib;
  return nullptr;
}

std::vector<const ComponentInfo*> Catalog::components() const {
  std::vector<const ComponentInfo*> out;
  for (const auto& c : components_) out.push_back(&c);
  return out;
}

}  // namespace lrlab
