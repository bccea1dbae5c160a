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

// The latest experiment called `name`, or the latest experiment of all when `name` is empty
// ("latest": the highest experiment_id, so a rerun of an edited spec wins over the old one).
// Throws SpecError naming the experiments there are when there is no match.
ExperimentChoice choose_experiment(const sqlite::Connection& c, const std::string& name);

}  // namespace lrlab::analysis
