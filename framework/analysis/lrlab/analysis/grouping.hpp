#pragma once
// An experiment's trials grouped into configurations: what the summary ranks and the plots draw
// one line for.
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

struct GroupedTrial {
  std::int64_t trial_id;
  std::int64_t repeat;
  std::string status;
  std::int64_t steps_done = 0;
};

// One configuration: the trials that differ only in their repeat (or share the `by` values).
struct TrialGroup {
  std::vector<std::string> labels;  // one per Grouping::label_columns
  std::vector<Json> values;         // the same, as JSON (null: a case without it)
  std::vector<std::string> within;  // one per Grouping::within_columns: which ranking it belongs to
  std::vector<GroupedTrial> trials;
};

struct Grouping {
  std::vector<std::string> label_columns;
  std::vector<std::string> within_columns;  // GroupingRequest::within
  std::vector<TrialGroup> groups;  // in the order of the trials' first appearance (trial_index)
  // "schedule.type=cosine_decay, optimizer.learning_rate=0.01"
  std::string name(const TrialGroup& g) const;
  // Each group's name for a legend, in the order of `groups`: only what differs between the
  // groups. A column with one value everywhere is left out, and of a component or object only the
  // keys whose values differ are shown (its "type" always): task=mlp(hidden=[32]) rather than
  // every constant parameter of the task. One group alone is named by name().
  std::vector<std::string> legend_names() const;
};

// Group an experiment's trials by configuration: by the resolved config (everything but the
// repeat), labelled with the grid values; a trial with the key of an earlier one (the same
// configuration and seed: a search that drew a configuration twice) is left out, being the same
// computation bit for bit; or, with `by` paths, by the values at those dotted paths
// of the config ("schedule.type", "policies.0.factor"). An experiment without a grid is one group.
//
// Labels are for people: a string bare, a component {"type": "warmup", "steps": 46} as
// warmup(steps=46), a list as [a, b], an object without a type as {k=v}, a number as JSON writes
// it, and a path the config lacks as null.
Grouping group_trials(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& by);

// group_trials() with two more choices: `within` paths split the trials into separate rankings (a group
// never mixes two values of them, also when `by` would merge them: configurations of different
// tasks are never compared); `where` keeps only the trials matching an SQL condition on the trials
// table (check_where() says whether it is one).
struct GroupingRequest {
  std::vector<std::string> by, within;
  std::string where;
};
Grouping group_selected_trials(const sqlite::Connection& c, std::int64_t experiment, const GroupingRequest& r);

// A JSON value as a label people can read in a table or a legend: strings bare, a component
// {"type": "warmup", "steps": 46, ...} as warmup(steps=46, ...), lists as [a, b], numbers as JSON.
std::string value_label(const Json& v);

// Every dotted path into the experiment's trial configurations ("schedule.type", "policies.0.factor").
std::vector<std::string> config_paths(const sqlite::Connection& c, std::int64_t experiment);

// Throws SpecError for a path no trial's configuration has, naming `option` ("--by") and the
// nearest path there is ("did you mean schedule.type?"): a typo would otherwise group every trial
// under "null" and rank nothing against nothing.
void check_config_paths(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& paths,
                        const std::string& option);

// Throws SpecError unless `condition` is one SQL expression on the trials table (no second
// statement after it), with SQLite's message saying what is wrong.
void check_where(const sqlite::Connection& c, const std::string& condition);

}  // namespace lrlab::analysis
