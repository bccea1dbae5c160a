#pragma once
// `lrlab run DB [--experiment NAME|ID]`: the spec an experiment was run from, taken from the
// database instead of a file, so that any stored experiment can be run again exactly (an older one
// that `--fresh` superseded included). Its relative data paths resolve against the folder of the
// spec file it was first run from (experiments.spec_path), as they did then.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab {

// Whether `path` is a file that starts with SQLite's header (a database given where a spec goes).
bool is_sqlite_file(const std::filesystem::path& path);

struct StoredSpec {
  Spec spec;
  std::int64_t experiment_id = 0;
  std::string name;
};

// The spec of experiment `which` (a name: its latest; a number: that experiment_id; empty: the
// latest of all) in the database `db`. Throws SpecError for an experiment lrlab did not run from a
// spec (a recorded loop, a range test) or one that is not there.
StoredSpec load_stored_spec(const std::filesystem::path& db, const std::string& which);

// The plugin libraries the runs of `experiments` used that `catalog` lacks (an out-of-tree plugin
// run with --plugin-dir), loaded from the paths the runs recorded (run_plugins), so that `verify`
// and `run DB` need no --plugin-dir for them. One that is gone from there, or whose bytes are no
// longer those the run used (its SHA-256), is not loaded: a warning on stderr names it and the
// folder to pass.
void load_recorded_plugins(const sqlite::Connection& c, const std::vector<std::int64_t>& experiments, Catalog& catalog);

}  // namespace lrlab
