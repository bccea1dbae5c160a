#pragma once
// `lrlab run DB [--experiment NAME|ID]`: the spec an experiment was run from, taken from the
// database instead of a file, so that any stored experiment can be run again exactly (an older one
// that `--fresh` superseded included). Its relative data paths resolve against the folder of the
// spec file it was first run from (experiments.spec_path), as they did then.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lrlab/spec.hpp"

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

}  // namespace lrlab
