#pragma once
// A results database opened for reading, and the experiment an analysis is about. Analyses never
// write: the file is opened read-only, so they run beside a sweep that is still writing it.
#include <cstdint>
#include <string>

#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// Open `path` read-only, also in a folder this process cannot write (sqlite::open_read_only); a
// missing file is a StoreError (never created, as a writer would), and so is a folder.
sqlite::Connection open_results_read_only(const std::string& path);

struct ExperimentChoice {
  std::int64_t id;
  std::string name;
};

// The experiment `which` names: the latest experiment called so, else, when `which` is a number,
// the one with that experiment_id (so an older experiment of a name that --fresh reused can be
// chosen); the latest experiment of all when `which` is empty ("latest": the highest
// experiment_id). Throws SpecError listing the experiments there are (id and name) when none matches.
ExperimentChoice choose_experiment(const sqlite::Connection& c, const std::string& which);

}  // namespace lrlab::analysis
