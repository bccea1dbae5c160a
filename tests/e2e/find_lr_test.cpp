// lrlab find-lr end to end: the range test of a spec's task run through the normal run machinery,
// stored as an experiment of kind lr_find with its curve and suggestions, checked with SQL; the
// search block, the plot, a resume, an old database migrated, and bad options.
#include <catch2/catch.hpp>

#include "lrlab/json.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// A sweep spec whose grid, schedule, policies and budget find-lr drops: a noisy quadratic, whose
// loss Adam blows up once the rate passes the scale of the parameters.
const char* quadratic_spec = R"({
  "name": "quad", "seed": 5, "repeats": 3,
  "task": {"type": "quadratic", "dimension": 10, "condition_number": 20, "noise_std": 0.3, "steps_per_epoch": 10},
  "optimizer": {"learning_rate": 0.5, "beta_2": 0.99},
  "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5},
  "policies": [{"type": "reduce_on_plateau", "patience": 1}],
  "budget": {"epochs": 30},
  "checkpoint": {"every_steps": 7},
  "grid": {"optimizer.learning_rate": [0.01, 0.1]}
})";

fs::path quadratic_dir(const std::string& label) {
  const fs::path dir = temp_dir(label);
  write_file(dir / "spec.json", quadratic_spec);
  return dir;
}

// The files find-lr leaves beside the spec: none but the spec (its temporary spec is removed).
std::size_t files_beside(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

TEST_CASE("find-lr: an experiment of kind lr_find with its curve, its stop and its suggestions, read with SQL",
          "[e2e][find_lr]") {
  const fs::path dir = quadratic_dir("find-lr");
  const auto r = run_lrlab({"find-lr", "spec.json", "--steps", "80", "--end", "100", "--repeats", "2", "--jobs", "2", "-q"}, dir);
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "results" / "quad_lr_find.db";
  REQUIRE(fs::exists(db));
  CHECK(files_beside(dir) == 1);
  CHECK_THAT(r.err, Contains("quad_lr_find: 2 trials") && Contains("2 stopped early"));
  CHECK_THAT(r.out, Contains("valley") && Contains("steepest") && Contains("minimum/10") && Contains("suggested learning rate: ") &&
                        Contains("FROM lr_find_curve") && Contains("results/quad_lr_find.db"));

  // The experiment: its kind, the spec it came from, the test's spec.
  CHECK(sql1(db, "PRAGMA user_version") == "7");
  CHECK(sql1(db, "SELECT name || ' ' || kind || ' ' || seed FROM experiments") == "quad_lr_find lr_find 5");
  CHECK(sql1(db, "SELECT spec_path FROM experiments") == fs::canonical(dir / "spec.json").string());
  CHECK(sql1(db, "SELECT json_extract(spec_json, '$.grid') IS NULL AND json_extract(spec_json, '$.checkpoint') IS NULL "
                 "FROM experiments") == "1");
  // Each trial: the spec's task and Adam settings, but not its rate; the range test and the stop.
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE json_extract(config_json, '$.schedule.type') = 'range_test' "
                 "AND json_extract(config_json, '$.schedule.start') = 1e-7 AND json_extract(config_json, '$.schedule.end') = 100 "
                 "AND json_extract(config_json, '$.schedule.steps') = 80 AND json_extract(config_json, '$.policies[0].type') = "
                 "'divergence_stop' AND json_extract(config_json, '$.policies[0].smooth') = 0.98 "
                 "AND json_extract(config_json, '$.policies[1]') IS NULL AND json_extract(config_json, '$.optimizer.beta_2') = 0.99 "
                 "AND json_extract(config_json, '$.optimizer.learning_rate') = 0.001 "
                 "AND json_extract(config_json, '$.task.dimension') = 10") == "2");
  // Repeats share the sweep's seeds: repeat r of the test is repeat r of `lrlab run spec.json`.
  CHECK(sql1(db, "SELECT group_concat(repeat, ',') FROM (SELECT repeat FROM trials ORDER BY repeat)") == "0,1");

  // The curve: one point per step run, the rates and losses of the steps table, the smoothed loss
  // starting at the first loss; the rate rising from 1e-7.
  CHECK(sql1(db, "SELECT count(*) FROM trials t WHERE t.steps_done = (SELECT count(*) FROM lr_find_curve c WHERE "
                 "c.trial_id = t.trial_id) AND t.steps_done = (SELECT count(*) FROM steps s WHERE s.trial_id = t.trial_id)") == "2");
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_curve c JOIN steps s USING (trial_id, step) "
                 "WHERE c.learning_rate IS NOT s.lr OR c.loss IS NOT s.train_loss") == "0");
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_curve WHERE step = 0 AND learning_rate = 1e-7 AND smoothed_loss = loss") == "2");
  // The smoothed loss is the moving average the policy used: one step of the recursion in SQL.
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_curve a JOIN lr_find_curve b ON b.trial_id = a.trial_id AND b.step = a.step + 1 "
                 "WHERE abs(b.smoothed_loss * (1 - power(0.98, b.step + 1)) - (0.98 * a.smoothed_loss * (1 - power(0.98, a.step + 1)) "
                 "+ 0.02 * b.loss)) > 1e-12 * abs(b.smoothed_loss)") == "0");

  // The stop: after the first step whose smoothed loss exceeds 4 x the minimum so far, never before.
  const auto stops = sql(db, "SELECT t.trial_id, e.step, t.steps_done, e.message FROM trials t JOIN events e USING (trial_id) "
                             "WHERE e.source = 'divergence_stop' AND e.kind = 'stop' ORDER BY t.trial_id");
  REQUIRE(stops.size() == 2);
  for (const auto& s : stops) {
    INFO(s[3]);
    CHECK(std::stoll(s[1]) + 1 == std::stoll(s[2]));
    CHECK_THAT(s[3], Contains("smoothed train loss") && Contains("is more than 4 x its minimum") && Contains("diverging"));
    const std::string over = "SELECT step FROM (SELECT step, smoothed_loss > 4 * min(smoothed_loss) OVER (ORDER BY step) AS over "
                             "FROM lr_find_curve WHERE trial_id = " + s[0] + ") WHERE over ORDER BY step LIMIT 1";
    CHECK(sql1(db, over) == s[1]);
  }
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'stopped_early' AND steps_done < 80") == "2");

  // Suggestions: every rule for each seed (the rate at its step, a tenth of it for minimum/10), and
  // each rule's median over the seeds, the valley's chosen.
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_suggestions WHERE trial_id IS NOT NULL") == "6");
  CHECK(sql1(db, "SELECT group_concat(rule, ',') FROM (SELECT rule FROM lr_find_suggestions WHERE trial_id IS NULL ORDER BY rule)") ==
        "minimum/10,steepest,valley");
  CHECK(sql1(db, "SELECT rule || ' ' || (trial_id IS NULL) || ' ' || (step IS NULL) FROM lr_find_suggestions WHERE chosen = 1") ==
        "valley 1 1");
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_suggestions g JOIN lr_find_curve c USING (trial_id, step) WHERE "
                 "g.learning_rate = (CASE g.rule WHEN 'minimum/10' THEN c.learning_rate / 10 ELSE c.learning_rate END)") == "6");
  // The rules' window: from step 80/10 = 8 to the fifth-last point.
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_suggestions g JOIN trials t USING (trial_id) WHERE g.step < 8 OR "
                 "g.step > t.steps_done - 6") == "0");
  // minimum/10 picks the smallest smoothed loss of that window.
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_suggestions g JOIN lr_find_curve c USING (trial_id, step) JOIN trials t USING (trial_id) "
                 "WHERE g.rule = 'minimum/10' AND c.smoothed_loss = (SELECT min(smoothed_loss) FROM lr_find_curve w WHERE "
                 "w.trial_id = g.trial_id AND w.step >= 8 AND w.step <= t.steps_done - 6)") == "2");
  // The median of two seeds: the geometric mean of their rates.
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_suggestions m WHERE m.trial_id IS NULL AND abs(m.learning_rate - (SELECT "
                 "exp(avg(ln(learning_rate))) FROM lr_find_suggestions p WHERE p.trial_id IS NOT NULL AND p.rule = m.rule)) "
                 "<= 1e-12 * m.learning_rate") == "3");

  // The suggestion printed is the chosen row's.
  const double chosen = std::stod(sql1(db, "SELECT learning_rate FROM lr_find_suggestions WHERE chosen = 1"));
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", chosen);
  CHECK_THAT(r.out, Contains(std::string("suggested learning rate: ") + text + " (valley, the median over 2 seeds"));

  // The same command again resumes the finished experiment and rewrites the same rows.
  const std::string before = sql1(db, "SELECT group_concat(learning_rate || ':' || coalesce(trial_id, '-'), ' ') FROM "
                                      "(SELECT * FROM lr_find_suggestions ORDER BY rule, trial_id)");
  const auto again = run_lrlab({"find-lr", "spec.json", "--steps", "80", "--end", "100", "--repeats", "2", "-q"}, dir);
  INFO(again.err);
  CHECK(again.rc == 0);
  CHECK_THAT(again.err, Contains("resumed with 2 already done"));
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "1");
  CHECK(sql1(db, "SELECT group_concat(learning_rate || ':' || coalesce(trial_id, '-'), ' ') FROM "
                 "(SELECT * FROM lr_find_suggestions ORDER BY rule, trial_id)") == before);
  CHECK(sql1(db, "SELECT count(*) FROM lr_find_curve") == sql1(db, "SELECT sum(steps_done) FROM trials"));
  // Other settings are another spec: refused without --fresh, a second experiment with it.
  const auto other = run_lrlab({"find-lr", "spec.json", "--steps", "80", "--end", "10", "-q"}, dir);
  CHECK(other.rc == 2);
  CHECK_THAT(other.err, Contains("--fresh"));
  CHECK(run_lrlab({"find-lr", "spec.json", "--steps", "80", "--end", "10", "--fresh", "-q"}, dir).rc == 0);
  CHECK(sql1(db, "SELECT count(*) FROM experiments WHERE kind = 'lr_find'") == "2");
  CHECK(sql1(db, "SELECT count(DISTINCT experiment_id) FROM lr_find_suggestions") == "2");
  CHECK(files_beside(dir) == 1);
}

TEST_CASE("find-lr: --emit-search prints a search block around the suggestion on stdout, --plot draws the curve",
          "[e2e][find_lr]") {
  const fs::path dir = quadratic_dir("find-lr-emit");
  const auto r = run_lrlab({"find-lr", "spec.json", "--steps", "60", "--end", "100", "--emit-search", "30", "--decades", "0.5",
                            "--rule", "steepest", "--plot", "curve.svg", "--db", "t.db", "-q"},
                           dir);
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  // stdout holds only the block: a spec member, pasted into an object it parses.
  const lrlab::Json block = lrlab::Json::parse("{" + r.out + "}");
  const lrlab::Json& range = block["search"]["space"]["optimizer.learning_rate"];
  CHECK(block["search"]["type"] == "random");
  CHECK(block["search"]["trials"] == 30);
  CHECK(range["distribution"] == "log_uniform");
  const double s = std::stod(sql1(dir / "t.db", "SELECT learning_rate FROM lr_find_suggestions WHERE chosen = 1"));
  CHECK(sql1(dir / "t.db", "SELECT rule FROM lr_find_suggestions WHERE chosen = 1") == "steepest");
  CHECK(range["low"].get<double>() == Approx(s / std::sqrt(10.0)).epsilon(5e-3));  // 3 significant digits
  CHECK(range["high"].get<double>() == Approx(s * std::sqrt(10.0)).epsilon(5e-3));
  CHECK_THAT(r.err, Contains("suggested learning rate") && Contains("wrote curve.svg"));
  // The picture: an SVG whose legend names the curves and the marked suggestions.
  const auto svg = run_shell("python3 -c " + shell_quote("import sys, xml.etree.ElementTree as E\n"
                                                         "print('|'.join(t.strip() for t in E.parse(sys.argv[1]).getroot().itertext() if t.strip()))") +
                             " curve.svg", dir);
  INFO(svg.err);
  REQUIRE(svg.rc == 0);
  CHECK_THAT(svg.out, Contains("learning rate (log scale)") && Contains("train loss") && Contains("smoothed (beta 0.98)") &&
                          Contains("valley ") && Contains("steepest ") && Contains("(suggested)") && Contains("minimum/10 "));
}

TEST_CASE("find-lr: a database of schema version 4 gains experiments.kind and the lr_find tables", "[e2e][find_lr]") {
  const fs::path dir = quadratic_dir("find-lr-migrate");
  write_file(dir / "small.json", R"({"name": "small", "task": {"type": "quadratic", "dimension": 2, "condition_number": 3, "steps_per_epoch": 5},
                                     "budget": {"steps": 10}})");
  REQUIRE(run_lrlab({"run", "small.json", "--db", "old.db", "-q"}, dir).rc == 0);
  // As lrlab 4 made it.
  sql_exec(dir / "old.db", "DROP TABLE lr_find_curve; DROP TABLE lr_find_suggestions; ALTER TABLE experiments DROP COLUMN kind; "
                           "PRAGMA user_version = 4;");
  const auto r = run_lrlab({"find-lr", "spec.json", "--steps", "40", "--end", "100", "--db", "old.db", "-q"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(sql1(dir / "old.db", "PRAGMA user_version") == "7");  // and on to the current version
  CHECK(sql1(dir / "old.db", "SELECT group_concat(name || ':' || kind, ' ') FROM experiments") == "small:sweep quad_lr_find:lr_find");
  CHECK(sql1(dir / "old.db", "SELECT count(*) > 0 FROM lr_find_curve") == "1");
}

TEST_CASE("find-lr: bad options and specs exit 2 and write nothing", "[e2e][find_lr][errors]") {
  const fs::path dir = quadratic_dir("find-lr-bad");
  write_file(dir / "notask.json", R"({"name": "notask", "budget": {"steps": 10}})");
  write_file(dir / "badtask.json", R"({"name": "badtask", "task": {"type": "quadratc"}, "budget": {"steps": 10}})");
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases{
      {{"--start", "0"}, "--start: the first rate must be a finite number > 0"},
      {{"--start", "1e-3", "--end", "1e-3"}, "--end: the last rate must be finite and larger than --start (0.001)"},
      {{"--end", "1e-9"}, "--end"},
      {{"--steps", "5"}, "--steps: at least 6 steps"},
      {{"--mode", "cubic"}, "--mode: exp or linear"},
      {{"--smooth", "1"}, "--smooth: the moving average's beta must be in [0, 1)"},
      {{"--diverge", "0.5"}, "--diverge: the stop factor must be a finite number > 1"},
      {{"--repeats", "0"}, "--repeats"},
      {{"--rule", "median"}, "--rule: one of valley, steepest, minimum/10"},
      {{"--plot", "curve.pdf"}, "--plot: the picture must end in .svg or .png"},
      {{"--decades", "0"}, "--decades"},
      {{"--emit-search", "0"}, "--emit-search"},
      {{"--steps", "ten"}, "--steps"},
      {{"--bogus"}, "--bogus"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"find-lr", "spec.json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_lrlab(args, dir);
    INFO(c.args.front() << ": " << r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains(c.expect));
  }
  auto r = run_lrlab({"find-lr", "notask.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/task: required: find-lr trains the spec's task, and this spec has none"));
  r = run_lrlab({"find-lr", "badtask.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/task/type") && Contains("quadratic"));
  r = run_lrlab({"find-lr", "missing.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("missing.json"));
  CHECK_FALSE(fs::exists(dir / "results"));
  CHECK(files_beside(dir) == 3);  // the three specs: no database, no temporary spec left behind
}
