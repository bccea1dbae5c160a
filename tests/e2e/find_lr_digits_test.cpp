// Issue 16's acceptance check of the range test: `lrlab find-lr` on the digits MLP of
// experiments/quickstart.json suggests a rate within a factor 3 of the best constant rate that a
// grid of 12 log-spaced rates finds on the same task.
//
// Both sides use the quickstart's task (its split protocol: each repeat its own split, with a test
// share nothing trains or selects on) and seed, over the same 5 repeats (the same trial seeds and
// splits). find-lr runs with its defaults (fastai's: 1e-7 to 10 over 100 steps, beta 0.98,
// stop at 4x); its answer is the valley rule's median over the 5 seeds. The grid runs 1e-4 .. 1
// (a factor 2.3 apart) with a constant rate for 10 epochs; its best rate is the one with the lowest
// mean test loss, the metric of the evaluation protocol (docs/statistics.md) and `lrlab summary`'s
// default. Measured when written: valley 0.00404 (seeds 0.0019 .. 0.0049), grid best 0.00658
// (mean test loss 0.111; 0.00285 and 0.0152 next), ratio 1.6. By mean best_val_loss instead, the
// grid picks 0.0152 and the valley is 3.8x below it (the steepest rule's 0.026 is within 3x):
// README, "Finding a learning rate".
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "lrlab/json.hpp"
#include "support/cli.hpp"

using namespace lrlab::test;
using lrlab::Json;
namespace fs = std::filesystem;

TEST_CASE("find-lr on the digits MLP suggests a rate within 3x of the best of a 12-rate grid", "[e2e][find_lr][acceptance]") {
  const auto started = std::chrono::steady_clock::now();
  const fs::path dir = temp_dir("find-lr-digits");
  // The quickstart spec itself, its data path made absolute (find-lr drops its grid and schedules).
  Json spec = Json::parse(read_file(fs::path(LRLAB_SOURCE_DIR) / "experiments/quickstart.json"));
  spec["task"]["data"] = (fs::path(LRLAB_SOURCE_DIR) / "experiments" / spec["task"]["data"].get<std::string>()).string();
  write_file(dir / "digits.json", spec.dump(2));

  const auto found = run_lrlab({"find-lr", "digits.json", "--repeats", "5", "--jobs", "2", "--db", "find.db", "-q"}, dir);
  INFO(found.out << found.err);
  REQUIRE(found.rc == 0);
  const double suggested = std::stod(sql1(dir / "find.db", "SELECT learning_rate FROM lr_find_suggestions WHERE chosen = 1 "
                                                           "AND rule = 'valley' AND trial_id IS NULL"));

  Json rates = Json::array();
  for (int k = 0; k < 12; ++k) rates.push_back(std::pow(10.0, -4.0 + 4.0 * k / 11.0));
  const Json grid{{"name", "digits_grid"},
                  {"seed", spec["seed"]},
                  {"repeats", 5},
                  {"task", spec["task"]},
                  {"schedule", {{"type", "constant"}}},
                  {"budget", {{"epochs", 10}}},
                  {"evaluate", {{"every_epochs", 1}}},
                  {"record", {{"every_steps", 1000}}},  // the steps are not needed: fewer rows to write
                  {"grid", {{"optimizer.learning_rate", rates}}}};
  write_file(dir / "grid.json", grid.dump(2));
  const auto swept = run_lrlab({"run", "grid.json", "--jobs", "2", "--db", "grid.db", "-q"}, dir);
  INFO(swept.err);
  REQUIRE(swept.rc == 0);
  const auto best = sql(dir / "grid.db", "SELECT json_extract(config_json, '$.optimizer.learning_rate') AS lr, avg(test_loss), "
                                         "count(*) FROM trials GROUP BY lr ORDER BY avg(test_loss) LIMIT 1");
  REQUIRE(best.size() == 1);
  REQUIRE(best[0][2] == "5");
  const double best_rate = std::stod(best[0][0]);
  const double ratio = suggested / best_rate;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "find-lr acceptance: valley " << suggested << ", grid best " << best_rate << " (mean test loss " << best[0][1]
            << "), suggested / best " << ratio << " (a factor " << std::max(ratio, 1.0 / ratio) << "), " << seconds << " s\n";
  CAPTURE(suggested, best_rate, ratio);
  CHECK(ratio <= 3.0);
  CHECK(ratio >= 1.0 / 3.0);
}
