// "share_prefixes": true through the command line: a sweep whose trials branch from another's state
// stores the same bits as the same sweep run trial by trial, with each fork at the first step where
// the two trials' rates part (read from the unbranched run's steps table); an interrupted branched
// sweep resumes to the same rows; specs that cannot share prefixes are refused.
#include <catch2/catch.hpp>
#include <signal.h>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/kill_moments.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Budgets 300 and 150 with a wsd cooldown of 20%, linear or cosine, and a constant rate for 300
// and 100 updates (the shorter one is the longer one's start, whole). The noisy quadratic model
// draws its gradient noise from the trial's state, so a fork that lost the task's state would show.
std::string prefix_spec(bool share, int dimension) {
  return R"({"name": "prefixes", "seed": 4, "repeats": 2,
    "task": {"type": "noisy_quadratic", "dimension": )" + std::to_string(dimension) + R"(, "batch_size": 4, "steps_per_epoch": 10},
    "optimizer": {"type": "adam", "learning_rate": 0.05},
    "budget": {"steps": 300},
    "cases": [{"schedule": {"type": "wsd", "decay_fraction": 0.2, "shape": "linear"}},
              {"schedule": {"type": "wsd", "decay_fraction": 0.2, "shape": "cosine"}},
              {"schedule": {"type": "constant"}}],
    "grid": {"budget.steps": [300, 150, 100]},
    "share_prefixes": )" + std::string(share ? "true" : "false") + "}";
}

}  // namespace

TEST_CASE("shared prefixes: the same bits as trial by trial, each fork where the rates first part", "[e2e][prefixes]") {
  const fs::path dir = temp_dir("prefixes_bits");
  write_file(dir / "shared.json", prefix_spec(true, 2000));
  write_file(dir / "alone.json", prefix_spec(false, 2000));
  for (const char* jobs : {"1", "2"}) {
    fs::remove(dir / "shared.db");
    fs::remove(dir / "alone.db");
    const auto shared = run_lrlab({"run", "shared.json", "--db", "shared.db", "--jobs", jobs, "-q"}, dir);
    INFO(shared.err);
    REQUIRE(shared.rc == 0);
    REQUIRE(run_lrlab({"run", "alone.json", "--db", "alone.db", "--jobs", jobs, "-q"}, dir).rc == 0);

    // Each fork, from the events: the branch, its root, the step.
    const auto forks = sql(dir / "shared.db",
                           "SELECT t.trial_index, r.trial_index, e.step, t.budget_steps, r.budget_steps FROM events e "
                           "JOIN trials t USING(trial_id) JOIN trials r ON e.message LIKE 'continued from trial_id ' || "
                           "r.trial_id || '''s state%' WHERE e.source = 'branch' AND e.kind = 'fork' ORDER BY 1");
    // Per repeat one root, wsd linear 300 (the first of the longest budget): wsd without warm-up
    // holds the base rate until its cooldown, so the constant rates are its start too, and the
    // other eight trials of the repeat branch from it.
    CHECK(forks.size() == 2 * 8);
    for (const auto& f : forks) {
      INFO("branch " << f[0] << " of root " << f[1] << " at " << f[2]);
      CHECK(std::stoll(f[4]) == 300);  // roots have the longest budget
      // Where the unbranched run's rates of the two trials first differ (or the branch's end).
      const std::string parted = sql1(dir / "alone.db",
          "SELECT coalesce(min(a.step), " + f[3] + ") FROM steps a JOIN steps b ON a.step = b.step JOIN trials ta ON "
          "ta.trial_id = a.trial_id JOIN trials tb ON tb.trial_id = b.trial_id WHERE ta.trial_index = " + f[0] +
          " AND tb.trial_index = " + f[1] + " AND a.lr <> b.lr");
      CHECK(f[2] == parted);
    }
    // A pure start: constant 100 continues from constant 300's state at its own end.
    CHECK(sql1(dir / "shared.db", "SELECT count(*) FROM events e JOIN trials t USING(trial_id) WHERE e.source = 'branch' "
                                  "AND e.step = t.budget_steps AND t.budget_steps = 100 AND t.config_json LIKE "
                                  "'%\"constant\"%'") == "2");

    // Every row the same, the fork events aside.
    fs::copy_file(dir / "shared.db", dir / "compared.db", fs::copy_options::overwrite_existing);
    sql_exec(dir / "compared.db", "DELETE FROM events WHERE source = 'branch'");
    CHECK(db_content(dir / "compared.db") == db_content(dir / "alone.db"));
    CHECK(sql1(dir / "shared.db", "SELECT count(*) FROM checkpoints") == "0");
  }
  // verify reruns each branch alone: the same rows, the fork row aside.
  const auto verified = run_lrlab({"verify", "shared.db"}, dir);
  INFO(verified.out << verified.err);
  CHECK(verified.rc == 0);
  CHECK_THAT(verified.out + verified.err, Contains("18 identical"));
}

TEST_CASE("shared prefixes: a schedule that fails at a late step fails the trials that reach it, as without sharing",
          "[e2e][prefixes]") {
  const fs::path dir = temp_dir("prefixes_throw");
  // The expression refuses its rate at t = 60: the 100-update trial fails there, the 40-update one
  // never gets there; planning must not refuse the spec for it.
  const auto spec = [](bool share) {
    return R"({"name": "late", "seed": 5, "task": {"type": "quadratic", "dimension": 4, "condition_number": 10},
      "optimizer": {"type": "adam", "learning_rate": 0.01}, "budget": {"steps": 100}, "evaluate": {"every_steps": 10},
      "cases": [{"schedule": {"type": "expression", "formula": "t < 60 ? lr0 : -1"}}, {"schedule": {"type": "constant"}}],
      "grid": {"budget.steps": [100, 40]}, "share_prefixes": )" + std::string(share ? "true" : "false") + "}";
  };
  write_file(dir / "shared.json", spec(true));
  write_file(dir / "alone.json", spec(false));
  const auto shared = run_lrlab({"run", "shared.json", "--db", "shared.db", "-q"}, dir);
  const auto alone = run_lrlab({"run", "alone.json", "--db", "alone.db", "-q"}, dir);
  INFO(shared.err);
  CHECK(shared.rc == alone.rc);
  CHECK(sql1(dir / "shared.db", "SELECT count(*) FROM trials WHERE status = 'failed'") == "1");
  CHECK(sql1(dir / "shared.db", "SELECT count(*) FROM events WHERE source = 'branch'") != "0");
  sql_exec(dir / "shared.db", "DELETE FROM events WHERE source = 'branch'");
  CHECK(db_content(dir / "shared.db") == db_content(dir / "alone.db"));
}

TEST_CASE("shared prefixes: a sweep killed before and after a fork resumes to the same rows", "[e2e][prefixes]") {
  const fs::path dir = temp_dir("prefixes_kill");
  write_file(dir / "spec.json", prefix_spec(true, 200000));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  // First while the roots run towards the first branch step (80: wsd 100's cooldown), then after
  // some forks, before any root of 300 updates completed.
  kill_at_moments(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", "killed.db"}, dir / "killed.db", {
      {"SELECT count(*) FROM steps WHERE step >= 40", "SELECT count(*) FROM events WHERE source = 'branch'"},
      {"SELECT count(*) FROM events WHERE source = 'branch'",
       "SELECT count(*) FROM trials WHERE status = 'completed' AND budget_steps = 300"}});
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "killed.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "killed.db") == db_content(dir / "ref.db"));
}

TEST_CASE("shared prefixes: refused with policies, a pruner or PBT, saying where", "[e2e][prefixes]") {
  const fs::path dir = temp_dir("prefixes_refused");
  const std::string base = R"({"name": "refused", "task": {"type": "quadratic", "dimension": 4, "condition_number": 10},
    "budget": {"steps": 40}, "grid": {"budget.steps": [40, 20]}, "share_prefixes": true)";
  struct Case {
    std::string extra, says;
  };
  for (const Case& c : {Case{R"(, "policies": [{"type": "reduce_on_plateau"}])", "policies"},
                        Case{R"(, "repeats": 2, "pruner": {"type": "median", "every_steps": 10})", "pruner"}}) {
    write_file(dir / "spec.json", base + c.extra + "}");
    const auto r = run_lrlab({"run", "spec.json", "--db", "refused.db"}, dir);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("/share_prefixes") && Contains(c.says));
    CHECK_FALSE(fs::exists(dir / "refused.db"));
  }
}
