#pragma once
// What the read-only analysis commands (summary, export, plot, report) share: opening a results
// database read-only, choosing one of its experiments, and grouping its trials into configurations.
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/sqlite.hpp"

namespace lrlab::cli {

// Open `path` read-only; a missing file is a StoreError (never created, as a writer would).
sqlite::Connection open_results_read_only(const std::string& path);

struct ExperimentChoice {
  std::int64_t id;
  std::string name;
};
// The latest experiment called `name`, or the latest experiment of all when `name` is empty.
// Throws SpecError naming the experiments there are when there is no match.
ExperimentChoice choose_experiment(const sqlite::Connection& c, const std::string& name);

// "a,b,,c" -> {"a", "b", "c"}: the comma-separated lists of --by and --metrics.
std::vector<std::string> split_list(const std::string& text);

struct GroupedTrial {
  std::int64_t trial_id;
  std::int64_t repeat;
  std::string status;
};

// One configuration: the trials that differ only in their repeat (or share the --by values).
struct TrialGroup {
  std::vector<std::string> labels;  // one per Grouping::label_columns
  std::vector<GroupedTrial> trials;
};

struct Grouping {
  std::vector<std::string> label_columns;
  std::vector<TrialGroup> groups;  // in the order of the trials' first appearance (trial_index)
  // "schedule.type=cosine_decay, optimizer.learning_rate=0.01"
  std::string name(const TrialGroup& g) const;
};

// Group an experiment's trials by configuration: by the resolved config (everything but the
// repeat), labelled with the grid values; or, with `by` paths, by the values at those dotted paths
// of the config ("schedule.type", "policies.0.factor"). An experiment without a grid is one group.
Grouping group_trials(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& by);

}  // namespace lrlab::cli
