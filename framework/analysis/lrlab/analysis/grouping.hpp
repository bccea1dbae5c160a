#pragma once
// An experiment's trials grouped into configurations: what the summary ranks and the plots draw
// one line for.
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

struct GroupedTrial {
  std::int64_t trial_id;
  std::int64_t repeat;
  std::string status;
};

// One configuration: the trials that differ only in their repeat (or share the `by` values).
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
//
// Labels are for people: a string bare, a component {"type": "warmup", "steps": 46} as
// warmup(steps=46), a list as [a, b], an object without a type as {k=v}, a number as JSON writes
// it, and a path the config lacks as null.
Grouping group_trials(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& by);

}  // namespace lrlab::analysis
