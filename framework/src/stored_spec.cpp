#include "lrlab/stored_spec.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <fstream>

#include "lrlab/errors.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab {

bool is_sqlite_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::memcmp(head, "SQLite format 3", 16) == 0;
}

StoredSpec load_stored_spec(const std::filesystem::path& db, const std::string& which) {
  const sqlite::Connection c = sqlite::open_read_only(db.string());
  const bool by_id = !which.empty() && which.size() < 19 && which.find_first_not_of("0123456789") == std::string::npos;
  // A name first (a name may be made of digits), then an id; empty: the latest experiment.
  const std::string columns = std::string("SELECT experiment_id, name, spec_json, spec_path, ") +
                              (c.has_column("experiments", "kind") ? "kind" : "'sweep'") + " FROM experiments ";
  sqlite::Statement s(c, which.empty() ? columns + "ORDER BY experiment_id DESC LIMIT 1"
                                       : columns + "WHERE name = ?1 OR (?2 AND experiment_id = ?3) "
                                                   "ORDER BY name = ?1 DESC, experiment_id DESC LIMIT 1");
  if (!which.empty()) s.bind(1, which).bind(2, std::int64_t{by_id}).bind(3, by_id ? static_cast<std::int64_t>(std::stoll(which)) : std::int64_t{-1});
  if (!s.step())
    throw SpecError("", which.empty() ? db.string() + " holds no experiment"
                                      : "no experiment named or numbered \"" + which + "\" in " + db.string());
  const std::string kind = s.is_null(4) ? "" : s.text(4);
  if (kind == "recorded" || kind == "lr_find")
    throw SpecError("", "experiment " + std::to_string(s.int64(0)) + " (\"" + s.text(1) + "\") of " + db.string() + " was made by " +
                            (kind == "recorded" ? "a Python loop (lrlab.Recorder)" : "`lrlab find-lr`") +
                            ", not from a spec: there is no spec to run");
  StoredSpec out;
  out.experiment_id = s.int64(0);
  out.name = s.text(1);
  const std::filesystem::path spec_path = s.is_null(3) ? std::filesystem::path() : std::filesystem::path(s.text(3));
  out.spec = parse_spec(s.text(2), db.string() + " (experiment " + std::to_string(out.experiment_id) + ")",
                        spec_path.empty() ? std::filesystem::current_path() : spec_path.parent_path());
  out.spec.file = spec_path;
  return out;
}

void load_recorded_plugins(const sqlite::Connection& c, const std::vector<std::int64_t>& experiments, Catalog& catalog) {
  struct Recorded {
    std::string path, sha256;
  };
  std::map<std::string, Recorded> wanted;  // plugin -> the latest run's path and bytes
  sqlite::Statement p(c, std::string("SELECT rp.plugin, rp.path, rp.sha256 FROM run_plugins rp JOIN runs r USING(run_id) "
                                     "WHERE r.experiment_id = ?1 AND rp.path != ''") +
                             (c.has_column("run_plugins", "used") ? " AND rp.used = 1" : "") + " ORDER BY rp.run_id");
  for (const std::int64_t id : experiments) {
    p.bind(1, id);
    while (p.step()) wanted[p.text(0)] = {p.text(1), p.text(2)};
    p.reset();
  }
  for (const auto& [plugin, rec] : wanted) {
    const std::string& name = plugin;  // a structured binding cannot be captured in C++20 (clang refuses it)
    const bool loaded = std::any_of(catalog.libraries().begin(), catalog.libraries().end(),
                                    [&](const LibraryInfo& lib) { return lib.name == name; });
    if (loaded) continue;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(rec.path, ec)) {
      std::fprintf(stderr, "lrlab: warning: plugin %s used by the run was loaded from %s, which is gone: pass the folder "
                   "that holds it now with --plugin-dir\n", plugin.c_str(), rec.path.c_str());
      continue;
    }
    if (const std::string now = sha256_file(rec.path); now != rec.sha256) {
      std::fprintf(stderr, "lrlab: warning: plugin %s at %s is not the library the run used (sha256 %s now, %s then): "
                   "not loaded; pass the folder of the library the run used with --plugin-dir\n", plugin.c_str(),
                   rec.path.c_str(), now.substr(0, 12).c_str(), rec.sha256.substr(0, 12).c_str());
      continue;
    }
    try {
      catalog.load_library(rec.path);
      std::fprintf(stderr, "lrlab: plugin %s loaded from the path the run recorded: %s\n", plugin.c_str(), rec.path.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lrlab: warning: plugin %s could not be loaded from the path the run recorded: %s\n", plugin.c_str(),
                   e.what());
    }
  }
}

}  // namespace lrlab
