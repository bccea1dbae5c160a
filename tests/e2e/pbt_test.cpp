// Population-based training through the CLI: every generation checked against the rule recomputed
// here from the stored evaluations with SQL (the bottom quantile replaced, copies of the top, their
// values explored from their parents'); the same lineage under --jobs 1, --jobs 2, --isolate and
// after SIGKILLs during generations; `lrlab replay` of a winner rerun as one trial, its rows equal
// to its lineage's bit for bit; verify; summary's resources. (Under MPI ranks: mpi_test.cpp.)
#include <catch2/catch.hpp>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/kill_moments.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// 6 members on a noisy quadratic, 150 updates evaluated every 10, a generation every 30 (4
// generations), a reduce_on_plateau policy whose state the copies carry. The first generation's
// rates are drawn from the resample distribution; a copy halves or doubles its parent's rate, or
// (a quarter of the time) draws it anew.
std::string pbt_spec(int dimension = 40) {
  return R"({"name": "pbt", "seed": 3,
  "task": {"type": "quadratic", "dimension": )" + std::to_string(dimension) + R"(, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
  "budget": {"steps": 150},
  "evaluate": {"every_steps": 10},
  "checkpoint": {"every_steps": 20},
  "policies": [{"type": "reduce_on_plateau", "patience": 2, "factor": 0.5}],
  "search": {"type": "pbt", "population": 6, "interval": 30, "quantile": 0.25,
             "mutations": {"optimizer.learning_rate": {"factors": [0.5, 2.0],
               "resample": {"distribution": "log_uniform", "low": 0.001, "high": 1.0}}}}})";
}

struct Member {
  double value;
  int member;
  int trial_id;
  bool live;
};

// Generation g recomputed from the database: the members' trials of generation g - 1, ranked by
// val_loss at step 30 g (ties to the lower member), the bottom ceil(6 x 0.25) = 2 replaced by
// copies of the top 2 still training. Checks every lineage row of generation g against it.
void check_generation(const fs::path& db, int g) {
  const int step = 30 * g;
  std::vector<Member> ranked;
  for (const auto& row : sql(db, "SELECT l.member, l.trial_id, (SELECT value FROM evals e WHERE e.trial_id = l.trial_id AND "
                                 "e.metric = 'val_loss' AND e.step = " + std::to_string(step) + ") FROM lineage l WHERE "
                                 "l.generation = " + std::to_string(g - 1) + " ORDER BY l.member")) {
    // No policy stops a trial here: one evaluated at the step was training there (one that
    // diverged before has no evaluation there, and ranks last).
    const bool live = !row[2].empty();
    ranked.push_back({live ? std::stod(row[2]) : INFINITY, std::stoi(row[0]), std::stoi(row[1]), live});
  }
  REQUIRE(ranked.size() == 6);
  std::sort(ranked.begin(), ranked.end(),
            [](const Member& a, const Member& b) { return std::tie(a.value, a.member) < std::tie(b.value, b.member); });
  std::set<int> top, top_trials, bottom;
  for (const Member& m : ranked)
    if (m.live && top.size() < 2) top.insert(m.member), top_trials.insert(m.trial_id);
  for (auto it = ranked.rbegin(); it != ranked.rend() && bottom.size() < 2 && !top.count(it->member); ++it)
    bottom.insert(it->member);
  for (const auto& row : sql(db, "SELECT member, trial_id, coalesce(parent_trial_id, ''), coalesce(replaced_trial_id, ''), step, "
                                 "values_json FROM lineage WHERE generation = " + std::to_string(g) + " ORDER BY member")) {
    const int member = std::stoi(row[0]);
    INFO("generation " << g << ", member " << member);
    CHECK(std::stoi(row[4]) == step);
    const bool copied = !row[2].empty();
    CHECK(copied == (bottom.count(member) == 1));
    if (!copied) continue;
    CHECK(top_trials.count(std::stoi(row[2])) == 1);
    const std::string copy = row[1], parent = row[2], replaced = row[3];
    // The copy: the parent's seed and repeat; its rows begin at the generation's step.
    CHECK(sql1(db, "SELECT count(*) FROM trials c, trials p WHERE c.trial_id = " + copy + " AND p.trial_id = " + parent +
                   " AND c.seed = p.seed AND c.repeat = p.repeat") == "1");
    CHECK(sql1(db, "SELECT min(step) FROM steps WHERE trial_id = " + copy) == std::to_string(step));
    CHECK(sql1(db, "SELECT min(step) FROM evals WHERE trial_id = " + copy) == std::to_string(step + 10));
    // Its rate: the parent's halved or doubled, or a draw within [0.001, 1].
    const double mine = std::stod(sql1(db, "SELECT json_extract(config_json, '$.optimizer.learning_rate') FROM trials WHERE "
                                           "trial_id = " + copy));
    const double theirs = std::stod(sql1(db, "SELECT json_extract(config_json, '$.optimizer.learning_rate') FROM trials "
                                             "WHERE trial_id = " + parent));
    CHECK(mine >= 0.001);
    CHECK(mine <= 1.0);
    CHECK(std::stod(sql1(db, "SELECT json_extract('" + row[5] + "', '$.\"optimizer.learning_rate\"')")) == mine);
    if (mine != std::min(1.0, theirs * 2) && mine != std::max(0.001, theirs * 0.5)) CHECK(mine != theirs);  // a draw
    // The replaced trial: pruned at the step, with one pbt events row there naming its copy.
    CHECK(sql1(db, "SELECT status || ' ' || steps_done FROM trials WHERE trial_id = " + replaced) ==
          "pruned " + std::to_string(step));
    CHECK(sql1(db, "SELECT count(*) FROM events WHERE trial_id = " + replaced + " AND source = 'pbt' AND kind = 'exploit' "
                   "AND step = " + std::to_string(step) + " AND message LIKE '%a copy of trial " + parent + " %'") == "1");
  }
}

// The rows of trial `w`'s lineage: each segment's rows from the step it began at to the step the
// next began at, found by walking parent_trial_id up the lineage table.
std::pair<std::string, std::string> lineage_rows(const fs::path& db, const std::string& w) {
  std::vector<std::tuple<std::string, int, int>> chain;  // trial, from, to
  std::string t = w;
  int to = 1 << 30;
  for (;;) {
    const auto up = sql(db, "SELECT parent_trial_id, step FROM lineage WHERE trial_id = " + t + " AND parent_trial_id IS NOT NULL");
    const int from = up.empty() ? 0 : std::stoi(up[0][1]);
    chain.emplace_back(t, from, to);
    if (up.empty()) break;
    to = from;
    t = up[0][0];
  }
  std::string steps, evals;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto& [trial, from, until] = *it;
    for (const auto& r : sql(db, "SELECT step, lr, train_loss FROM steps WHERE trial_id = " + trial + " AND step >= " +
                                     std::to_string(from) + " AND step < " + std::to_string(until) + " ORDER BY step"))
      steps += r[0] + "|" + r[1] + "|" + r[2] + "\n";
    for (const auto& r : sql(db, "SELECT step, metric, value FROM evals WHERE trial_id = " + trial + " AND step > " +
                                     std::to_string(from) + " AND step <= " + std::to_string(until) + " ORDER BY step, metric"))
      evals += r[0] + "|" + r[1] + "|" + r[2] + "\n";
  }
  return {steps, evals};
}

}  // namespace

TEST_CASE("pbt: every generation as the rule says, the same lineage under --jobs 1, --jobs 2 and --isolate",
          "[e2e][pbt]") {
  const fs::path dir = temp_dir("pbt_jobs");
  write_file(dir / "spec.json", pbt_spec());
  const auto plan = run_lrlab({"validate", "spec.json"}, dir);
  CHECK(plan.rc == 0);
  CHECK_THAT(plan.out, Contains("population-based training of 6 members, 4 generations of 30 updates; at each, the bottom 2 "
                                "copy members of the top as many (up to 8 copies)"));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", "one.db"}, dir).rc == 0);
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "two.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  // 4 generations of 2 copies each: 6 + 8 trials, 6 completed and 8 replaced.
  CHECK_THAT(r.err, Contains("14 trials in") && Contains("6 completed, 8 replaced by PBT copies"));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "--isolate", "-q", "--db", "isolated.db"}, dir).rc == 0);
  const fs::path db = dir / "one.db";
  CHECK(db_content(dir / "two.db") == db_content(db));
  CHECK(db_content(dir / "isolated.db") == db_content(db));
  CHECK(sql1(db, "SELECT count(*) || ' ' || max(generation) FROM lineage") == "30 4");
  for (int g = 1; g <= 4; ++g) check_generation(db, g);
  // The first generation: 6 members of seeds of repeats 0 .. 5, their rates drawn within [0.001, 1].
  CHECK(sql1(db, "SELECT group_concat(repeat) FROM (SELECT repeat FROM trials WHERE trial_index < 6 ORDER BY trial_index)") ==
        "0,1,2,3,4,5");
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE json_extract(config_json, '$.optimizer.learning_rate') NOT BETWEEN "
                 "0.001 AND 1") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM checkpoints") == "0");
  // Resources: the members trained 6 x 150 updates between them, each copy from its step on.
  CHECK(sql1(db, "SELECT sum(t.steps_done - coalesce((SELECT l.step FROM lineage l WHERE l.trial_id = t.trial_id AND "
                 "l.parent_trial_id IS NOT NULL), 0)) FROM trials t") == "900");
  const auto s = run_lrlab({"summary", "one.db"}, dir);
  INFO(s.out);
  CHECK(s.rc == 0);
  CHECK_THAT(s.out, Contains("resources: 900 of 900 updates trained") && Contains("8 copies in 4 generations"));
  // Every trial, copies included (through their replay), reruns identically.
  const auto v = run_lrlab({"verify", "one.db"}, dir);
  INFO(v.out << v.err);
  CHECK(v.rc == 0);
  CHECK_THAT(v.err, Contains("verified 14 trials: 14 identical"));
  // A rerun has nothing left to do.
  const std::string before = db_content(db);
  CHECK(run_lrlab({"run", "spec.json", "-q", "--db", "one.db"}, dir).rc == 0);
  CHECK(db_content(db) == before);
}

TEST_CASE("pbt: lrlab replay reruns a winner's lineage as one ordinary trial, bit for bit", "[e2e][pbt]") {
  const fs::path dir = temp_dir("pbt_replay");
  write_file(dir / "spec.json", pbt_spec());
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "pbt.db"}, dir).rc == 0);
  const fs::path db = dir / "pbt.db";
  // The default: the best completed trial by its last val_loss.
  const std::string best = sql1(db, "SELECT t.trial_id FROM trials t JOIN evals e ON e.trial_id = t.trial_id AND e.metric = "
                                    "'val_loss' AND e.step = 150 WHERE t.status = 'completed' ORDER BY e.value, t.trial_id LIMIT 1");
  // And the completed trial with the longest lineage, whatever its rank.
  const std::string longest = sql1(db, "WITH RECURSIVE up(leaf, t, n) AS (SELECT trial_id, trial_id, 1 FROM trials WHERE "
                                       "status = 'completed' UNION ALL SELECT up.leaf, l.parent_trial_id, up.n + 1 FROM up "
                                       "JOIN lineage l ON l.trial_id = up.t AND l.parent_trial_id IS NOT NULL) "
                                       "SELECT leaf FROM up GROUP BY leaf ORDER BY max(n) DESC, leaf LIMIT 1");
  REQUIRE(std::stoi(sql1(db, "SELECT count(*) FROM lineage l WHERE l.parent_trial_id IS NOT NULL")) > 0);
  for (const std::string& w : {best, longest}) {
    INFO("trial " << w);
    const auto r = run_lrlab(w == best ? std::vector<std::string>{"replay", "pbt.db", "-o", "replay.json"}
                                       : std::vector<std::string>{"replay", "pbt.db", "--trial", w, "-o", "replay.json"}, dir);
    INFO(r.err);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.err, Contains("trial " + w + " as one trial"));
    // Its member's seed; constant rates: one piecewise_constant schedule when it has a lineage.
    const std::string spec = read_file(dir / "replay.json");
    CHECK_THAT(spec, Contains("\"first_repeat\": " + sql1(db, "SELECT repeat FROM trials WHERE trial_id = " + w)));
    if (sql1(db, "SELECT count(*) FROM lineage WHERE trial_id = " + w + " AND parent_trial_id IS NOT NULL") == "1")
      CHECK_THAT(spec, Contains("\"piecewise_constant\""));
    fs::remove(dir / "replay.db");
    const auto run = run_lrlab({"run", "replay.json", "-q", "--db", "replay.db"}, dir);
    INFO(run.err);
    REQUIRE(run.rc == 0);
    const fs::path rdb = dir / "replay.db";
    CHECK(sql1(rdb, "SELECT count(*) || ' ' || max(status) FROM trials") == "1 completed");
    std::string steps, evals;
    for (const auto& row : sql(rdb, "SELECT step, lr, train_loss FROM steps ORDER BY step")) steps += row[0] + "|" + row[1] + "|" + row[2] + "\n";
    for (const auto& row : sql(rdb, "SELECT step, metric, value FROM evals ORDER BY step, metric"))
      evals += row[0] + "|" + row[1] + "|" + row[2] + "\n";
    const auto [want_steps, want_evals] = lineage_rows(db, w);
    CHECK(std::count(steps.begin(), steps.end(), '\n') == 150);
    CHECK(steps == want_steps);
    CHECK(evals == want_evals);
    CHECK(sql1(rdb, "SELECT final_val_loss || ' ' || best_val_loss FROM trials") ==
          sql1(db, "SELECT final_val_loss || ' ' || best_val_loss FROM trials WHERE trial_id = " + w));
  }
}

TEST_CASE("pbt: a schedule's numbers mutated: replay as a sequential of rebased segments, bit for bit", "[e2e][pbt]") {
  const fs::path dir = temp_dir("pbt_replay_schedule");
  std::string spec = pbt_spec();
  spec.replace(spec.find("\"policies\""), 0, R"("schedule": {"type": "exponential_decay", "decay_steps": 20, "decay_rate": 0.9}, )");
  spec.replace(spec.find("\"optimizer.learning_rate\": {\"factors\""), 0,
               R"("schedule.decay_rate": {"factors": [0.9, 1.1], "high": 1.0}, )");
  write_file(dir / "spec.json", spec);
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "pbt.db"}, dir).rc == 0);
  const fs::path db = dir / "pbt.db";
  const std::string w = sql1(db, "SELECT max(trial_id) FROM trials WHERE status = 'completed'");  // a copy: it has a lineage
  REQUIRE(sql1(db, "SELECT count(*) FROM lineage WHERE trial_id = " + w + " AND parent_trial_id IS NOT NULL") == "1");
  REQUIRE(run_lrlab({"replay", "pbt.db", "--trial", w, "-o", "replay.json"}, dir).rc == 0);
  CHECK_THAT(read_file(dir / "replay.json"), Contains("\"sequential\"") && Contains("\"restart\": false") &&
                                                 Contains("\"rebase\""));
  REQUIRE(run_lrlab({"run", "replay.json", "-q", "--db", "replay.db"}, dir).rc == 0);
  std::string steps, evals;
  for (const auto& row : sql(dir / "replay.db", "SELECT step, lr, train_loss FROM steps ORDER BY step"))
    steps += row[0] + "|" + row[1] + "|" + row[2] + "\n";
  for (const auto& row : sql(dir / "replay.db", "SELECT step, metric, value FROM evals ORDER BY step, metric"))
    evals += row[0] + "|" + row[1] + "|" + row[2] + "\n";
  const auto [want_steps, want_evals] = lineage_rows(db, w);
  CHECK(steps == want_steps);
  CHECK(evals == want_evals);
  // Not a PBT trial: a clear error.
  write_file(dir / "plain.json", R"({"name": "plain", "task": {"type": "quadratic", "dimension": 3, "condition_number": 10, "steps_per_epoch": 5},
    "budget": {"steps": 10}})");
  REQUIRE(run_lrlab({"run", "plain.json", "-q", "--db", "plain.db"}, dir).rc == 0);
  const auto bad = run_lrlab({"replay", "plain.db", "--trial", "1"}, dir);
  CHECK(bad.rc == 2);
  CHECK_THAT(bad.err, Contains("no population-based training"));
  CHECK(run_lrlab({"replay", "plain.db"}, dir).rc == 2);
  // -o naming the database itself (or any SQLite file) is refused: the results stay.
  const auto over = run_lrlab({"replay", "pbt.db", "--trial", w, "-o", "pbt.db"}, dir);
  CHECK(over.rc == 2);
  CHECK_THAT(over.err, Contains("it is an SQLite database"));
  CHECK(run_lrlab({"report", "pbt.db", "-o", "pbt.db"}, dir).rc == 2);
  CHECK(sql1(db, "SELECT count(*) FROM lineage") == "30");
  CHECK(run_lrlab({"replay", "pbt.db", "--trial", "-1"}, dir).rc != 0);
}

TEST_CASE("pbt: a member whose trial ended before a generation ranks last and is replaced first, counted once",
          "[e2e][pbt]") {
  const fs::path dir = temp_dir("pbt_stopped");
  std::string spec = pbt_spec();
  spec.replace(spec.find(R"({"type": "reduce_on_plateau", "patience": 2, "factor": 0.5})"),
               std::string(R"({"type": "reduce_on_plateau", "patience": 2, "factor": 0.5})").size(),
               R"({"type": "early_stopping", "patience": 1})");
  write_file(dir / "spec.json", spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "pbt.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "pbt.db";
  REQUIRE(std::stoi(sql1(db, "SELECT count(*) FROM trials WHERE status = 'stopped_early'")) > 0);
  // At every generation, each member whose trial had ended before the step is replaced, as long as
  // no more than the bottom two ended.
  for (int g = 1; g <= 4; ++g) {
    const std::string step = std::to_string(30 * g);
    const auto ended = sql(db, "SELECT l.member FROM lineage l JOIN trials t USING (trial_id) WHERE l.generation = " +
                                   std::to_string(g - 1) + " AND t.status IN ('stopped_early', 'diverged') AND t.steps_done < " + step);
    if (ended.size() > 2) continue;
    for (const auto& m : ended)
      CHECK(sql1(db, "SELECT count(*) FROM lineage WHERE generation = " + std::to_string(g) + " AND member = " + m[0] +
                     " AND parent_trial_id IS NOT NULL") == "1");
  }
  // The closing line counts every trial once: what it names adds up to the trials table's rows.
  const int rows = std::stoi(sql1(db, "SELECT count(*) FROM trials"));
  CHECK_THAT(r.err, Contains(std::to_string(rows) + " trials in"));
  CHECK_THAT(r.err, Contains(sql1(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") + " replaced by PBT copies") &&
                        Contains(sql1(db, "SELECT count(*) FROM trials WHERE status = 'stopped_early'") + " stopped early"));
}

TEST_CASE("pbt: SIGKILL during a generation, twice, then a rerun: the same lineage, bit for bit", "[e2e][pbt][crash]") {
  const fs::path dir = temp_dir("pbt_kill");
  write_file(dir / "spec.json", pbt_spec(100000));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  // Inside generation 1 (a member paused at 30, nothing decided), then inside generation 2 (the
  // copies of generation 1 made, a member paused at 60, generation 2 not decided).
  kill_at_moments(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", "killed.db"}, dir / "killed.db", {
      {"SELECT count(*) FROM checkpoints WHERE steps_done = 30", "SELECT count(*) FROM lineage WHERE generation >= 1"},
      {"SELECT count(*) FROM checkpoints WHERE steps_done = 60", "SELECT count(*) FROM lineage WHERE generation >= 2"}});
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "killed.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "killed.db") == db_content(dir / "ref.db"));
}
