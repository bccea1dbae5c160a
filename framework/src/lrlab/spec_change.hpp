#pragma once
// SpecChange: what a rerun of `lrlab run` with an edited spec does to the experiment stored under
// the same name (the rule users of Optuna's `load_if_exists` and Ray Tune's resume expect, made
// exact by trial keys).
//
// A trial's identity is its key: the sha256 of its resolved configuration and seed, and a seed
// depends only on the experiment seed and the repeat. So an edit is judged by the trials it plans:
// - every stored trial is still planned (its key is in the new plan): the edit only adds (repeats,
//   grid values, cases, search trials) or changes nothing a trial computes (description,
//   checkpoints). The experiment takes the new spec, its stored trials keep their rows, trial_id
//   and results and move to their index in the new plan, and only the new trials run;
// - some stored trial is no longer planned (a budget, a rate, the seed changed; a value removed):
//   refused, with the difference between the specs as JSON pointers (old -> new) and the ways out.
// A pruner's or population-based training's decisions are taken over every trial of the
// experiment, so an experiment with either accepts only a change of its description.
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/json.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab {

// One difference between two specs: where (a JSON pointer) and the values, compact JSON, with
// "(absent)" for a side that does not have it.
struct SpecDifference {
  std::string pointer, before, after;
};

// The differences from `before` to `after`, in document order: object members by name, arrays
// aligned on their longest common subsequence (an element inserted reads as one addition).
std::vector<SpecDifference> spec_differences(const Json& before, const Json& after);

// At most `max_lines` of them, one per line, each indented by two spaces: "  /repeats: 5 -> 7".
std::string spec_differences_text(const std::vector<SpecDifference>& diffs, std::size_t max_lines = 20);

struct SpecChange {
  std::vector<SpecDifference> differences;
  bool accepted = false;
  std::string refusal;  // why not, when not accepted (without the differences)
  // Accepted: every stored trial's trial_id with its index in the new plan (its grid point there
  // becomes its grid_json: a reordered or reformatted grid names the same trial differently), and
  // the new plan's indices that no stored trial has (to add, pending). A key planned twice (a value
  // written twice in a grid list) matches its stored rows one each, in order.
  std::vector<std::pair<std::int64_t, std::int64_t>> kept;
  std::vector<std::int64_t> added;
  std::int64_t stored = 0;      // trials the experiment holds
  std::int64_t dropped = 0;     // of them, those the new plan lacks
  std::int64_t renumbered = 0;  // of the kept, those whose trial_index changes
};

// Compare the experiment `experiment_id` of `db` (its stored spec `stored_spec_json`) with `ex`,
// planned from the edited spec.
SpecChange compare_spec(const sqlite::Connection& db, std::int64_t experiment_id, const std::string& stored_spec_json,
                        const Experiment& ex);

}  // namespace lrlab
