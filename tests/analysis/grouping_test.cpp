// Trials grouped into configurations: by everything but the repeat (labelled with the grid values),
// or by chosen config paths; the labels people read in tables and legends.
#include <catch2/catch.hpp>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Experiment 1 sweeps a learning rate and a schedule, two repeats each (trial_index 0..5, listed
// here in trial_id order 16..11 so that grouping must follow trial_index, not the ids); trial 20
// belongs to experiment 2.
fs::path grouping_db() {
  const fs::path db = empty_results_db("grouping");
  const std::string warmup = R"({"type": "warmup", "steps": 46, "after": {"type": "constant"}})";
  const std::string a_config = R"({"optimizer": {"learning_rate": 0.01}, "schedule": {"type": "constant"}, "policies": [{"type": "plateau", "factor": 0.5}]})";
  const std::string b_config = R"({"optimizer": {"learning_rate": 0.1}, "schedule": {"type": "constant"}, "policies": [{"type": "plateau", "factor": 0.25}]})";
  const std::string c_config = R"({"optimizer": {"learning_rate": 0.1}, "schedule": )" + warmup + R"(, "policies": [], "milestones": [230, 500], "extra": {"a": 1}})";
  const std::string a_grid = R"({"optimizer.learning_rate": 0.01, "schedule": {"type": "constant"}})";
  const std::string b_grid = R"({"optimizer.learning_rate": 0.1, "schedule": {"type": "constant"}})";
  const std::string c_grid = R"({"optimizer.learning_rate": 0.1, "schedule": )" + warmup + "}";
  sql_exec(db, experiment_row(1, "swept") + experiment_row(2, "other") +
                   trial_row({16, 1, 0, 0, a_config, a_grid}) + trial_row({15, 1, 1, 1, a_config, a_grid, "failed"}) +
                   trial_row({14, 1, 2, 0, b_config, b_grid}) + trial_row({13, 1, 3, 1, b_config, b_grid, "pending"}) +
                   trial_row({12, 1, 4, 0, c_config, c_grid}) + trial_row({11, 1, 5, 1, c_config, c_grid}) +
                   trial_row({20, 2, 0, 0, a_config, a_grid}));
  return db;
}

std::vector<std::int64_t> trial_ids(const TrialGroup& g) {
  std::vector<std::int64_t> ids;
  for (const auto& t : g.trials) ids.push_back(t.trial_id);
  return ids;
}

}  // namespace

TEST_CASE("group_trials: one group per configuration, labelled with the grid values", "[analysis][grouping]") {
  const fs::path db = grouping_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const Grouping g = group_trials(c, 1, {});
  CHECK(g.label_columns == std::vector<std::string>{"optimizer.learning_rate", "schedule"});
  REQUIRE(g.groups.size() == 3);
  CHECK(g.groups[0].labels == std::vector<std::string>{"0.01", "constant"});
  CHECK(g.groups[1].labels == std::vector<std::string>{"0.1", "constant"});
  // A component with parameters reads as a call, its nested components too.
  CHECK(g.groups[2].labels == std::vector<std::string>{"0.1", "warmup(steps=46, after=constant)"});
  CHECK(trial_ids(g.groups[0]) == std::vector<std::int64_t>{16, 15});
  CHECK(trial_ids(g.groups[1]) == std::vector<std::int64_t>{14, 13});
  CHECK(trial_ids(g.groups[2]) == std::vector<std::int64_t>{12, 11});
  // Each trial keeps its repeat and its status, whatever the status.
  CHECK(g.groups[0].trials[1].repeat == 1);
  CHECK(g.groups[0].trials[1].status == "failed");
  CHECK(g.groups[1].trials[1].status == "pending");
  CHECK(g.name(g.groups[2]) == "optimizer.learning_rate=0.1, schedule=warmup(steps=46, after=constant)");
}

TEST_CASE("group_trials: by config paths, merging configurations that share the values", "[analysis][grouping]") {
  const fs::path db = grouping_db();
  const sqlite::Connection c = open_results_read_only(db.string());

  Grouping g = group_trials(c, 1, {"schedule.type"});
  CHECK(g.label_columns == std::vector<std::string>{"schedule.type"});
  REQUIRE(g.groups.size() == 2);
  CHECK(g.groups[0].labels == std::vector<std::string>{"constant"});
  CHECK(trial_ids(g.groups[0]) == std::vector<std::int64_t>{16, 15, 14, 13});
  CHECK(g.groups[1].labels == std::vector<std::string>{"warmup"});
  CHECK(g.name(g.groups[1]) == "schedule.type=warmup");

  // A list index in the path; a path the config lacks reads null (and still groups).
  g = group_trials(c, 1, {"policies.0.factor", "optimizer.learning_rate"});
  REQUIRE(g.groups.size() == 3);
  CHECK(g.groups[0].labels == std::vector<std::string>{"0.5", "0.01"});
  CHECK(g.groups[1].labels == std::vector<std::string>{"0.25", "0.1"});
  CHECK(g.groups[2].labels == std::vector<std::string>{"null", "0.1"});

  // Lists and objects without a type, as labels.
  g = group_trials(c, 1, {"milestones", "extra"});
  REQUIRE(g.groups.size() == 2);
  CHECK(g.groups[0].labels == std::vector<std::string>{"null", "null"});
  CHECK(g.groups[1].labels == std::vector<std::string>{"[230, 500]", "{a=1}"});
}

TEST_CASE("group_trials: an experiment without a grid is one group, other experiments stay out", "[analysis][grouping]") {
  const fs::path db = empty_results_db("grouping-no-grid");
  const std::string config = R"({"optimizer": {"learning_rate": 0.01}})";
  sql_exec(db, experiment_row(1, "plain") + experiment_row(2, "next") + trial_row({1, 1, 0, 0, config, "{}"}) +
                   trial_row({2, 1, 1, 1, config, "{}"}) + trial_row({3, 1, 2, 2, config, "{}"}) +
                   trial_row({4, 2, 0, 0, config, "{}"}));
  const sqlite::Connection c = open_results_read_only(db.string());
  Grouping g = group_trials(c, 1, {});
  CHECK(g.label_columns == std::vector<std::string>{"configuration"});
  REQUIRE(g.groups.size() == 1);
  CHECK(g.groups[0].labels == std::vector<std::string>{"(all trials)"});
  CHECK(trial_ids(g.groups[0]) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(g.name(g.groups[0]) == "configuration=(all trials)");

  g = group_trials(c, 2, {});
  REQUIRE(g.groups.size() == 1);
  CHECK(trial_ids(g.groups[0]) == std::vector<std::int64_t>{4});
  CHECK(group_trials(c, 3, {}).groups.empty());
}

// Cases (issue 16) may set different paths: one column per path any point sets, "-" where a
// point does not set it, and names without the paths a case leaves alone.
TEST_CASE("group_trials: cases that set different paths get a column each", "[analysis][grouping]") {
  const fs::path db = empty_results_db("grouping-cases");
  const std::string a_config = R"({"schedule": {"type": "constant"}, "policies": []})";
  const std::string b_config = R"({"schedule": {"type": "constant"}, "policies": [{"type": "reduce_on_plateau"}]})";
  sql_exec(db, experiment_row(1, "cases") + trial_row({1, 1, 0, 0, a_config, R"({"schedule": {"type": "constant"}})"}) +
                   trial_row({2, 1, 1, 0, b_config, R"({"policies": [{"type": "reduce_on_plateau"}]})"}));
  const sqlite::Connection c = open_results_read_only(db.string());
  const Grouping g = group_trials(c, 1, {});
  CHECK(g.label_columns == std::vector<std::string>{"schedule", "policies"});
  REQUIRE(g.groups.size() == 2);
  CHECK(g.groups[0].labels == std::vector<std::string>{"constant", "-"});
  CHECK(g.groups[1].labels == std::vector<std::string>{"-", "[reduce_on_plateau]"});
  CHECK(g.name(g.groups[1]) == "policies=[reduce_on_plateau]");
}
