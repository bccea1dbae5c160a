// Grid expansion: keys in written order (first outermost), dotted paths, whole objects, repeats
// innermost, and seeds shared across grid points (common random numbers).
#include <catch2/catch.hpp>

#include "lrlab/sha256.hpp"
#include "support/memory.hpp"
#include "support/plan.hpp"

using lrlab::Json;
using lrlab::test::plan;
namespace test = lrlab::test;

namespace {
const char* base = R"({
  "name": "g", "seed": 7, "repeats": 2,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1]},
  "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5},
  "budget": {"steps": 20},
  "grid": GRID
})";
std::string with_grid(const std::string& grid) {
  std::string s = base;
  return s.replace(s.find("GRID"), 4, grid);
}
}  // namespace

// A trial's resolved configuration as the trials table stores it.
static Json stored(const lrlab::TrialConfig& t) { return Json::parse(t->config_text); }

TEST_CASE("grid: cartesian product in written key order, times repeats", "[grid]") {
  auto ex = plan(with_grid(R"({"optimizer.learning_rate": [0.001, 0.01, 0.1],
                               "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.9}]})"));
  REQUIRE(ex.trials.size() == 12);
  // The first key is the outermost loop, the repeat the innermost.
  const double lrs[] = {0.001, 0.001, 0.001, 0.001, 0.01, 0.01, 0.01, 0.01, 0.1, 0.1, 0.1, 0.1};
  const char* types[] = {"constant", "constant", "exponential_decay", "exponential_decay"};
  for (std::size_t i = 0; i < 12; ++i) {
    const auto& t = ex.trials[i];
    CHECK(t.index == static_cast<std::int64_t>(i));
    CHECK(t.repeat == static_cast<std::int64_t>(i % 2));
    CHECK(stored(t)["optimizer"]["learning_rate"].get<double>() == lrs[i]);
    CHECK(stored(t)["schedule"]["type"] == types[i % 4]);
    CHECK(t->learning_rate == lrs[i]);  // the typed plan agrees with what is stored
    CHECK(t->schedule["type"] == types[i % 4]);
  }
  // Whole-object values replace the base object: no decay_rate 0.5 left over in "constant".
  CHECK_FALSE(stored(ex.trials[0])["schedule"].contains("decay_rate"));
  CHECK(stored(ex.trials[2])["schedule"]["decay_rate"].get<double>() == 0.9);
}

TEST_CASE("grid: repeat r has the same seed at every grid point, different across repeats", "[grid]") {
  auto ex = plan(with_grid(R"({"optimizer.learning_rate": [0.001, 0.01, 0.1]})"));
  REQUIRE(ex.trials.size() == 6);
  for (const auto& t : ex.trials) CHECK(t.seed == ex.trials[static_cast<std::size_t>(t.repeat)].seed);
  CHECK(ex.trials[0].seed != ex.trials[1].seed);
  CHECK(ex.trials[0].seed == lrlab::trial_seed(7, 0));
  CHECK(ex.trials[0].seed < (1ULL << 63));
}

TEST_CASE("grid: dotted paths reach inside components, later keys override earlier ones", "[grid]") {
  auto ex = plan(with_grid(R"({"schedule": [{"type": "exponential_decay", "decay_steps": 3, "decay_rate": 0.1}],
                               "schedule.decay_rate": [0.2, 0.3]})"));
  REQUIRE(ex.trials.size() == 4);
  CHECK(stored(ex.trials[0])["schedule"]["decay_steps"].get<double>() == 3);
  CHECK(stored(ex.trials[0])["schedule"]["decay_rate"].get<double>() == 0.2);
  CHECK(stored(ex.trials[2])["schedule"]["decay_rate"].get<double>() == 0.3);
  CHECK(ex.trials[2]->grid_point == Json::parse(R"({"schedule": {"type": "exponential_decay", "decay_steps": 3,
                                                   "decay_rate": 0.1}, "schedule.decay_rate": 0.3})"));
}

TEST_CASE("grid: configs are fully resolved, defaults included", "[grid]") {
  auto ex = plan(with_grid("{}"));
  REQUIRE(ex.trials.size() == 2);
  const Json c = stored(ex.trials[0]);
  CHECK(c["optimizer"]["beta_1"].get<double>() == 0.9);
  CHECK(c["optimizer"]["epsilon"].get<double>() == 1e-8);
  CHECK(c["schedule"]["staircase"] == false);
  CHECK(c["schedule"]["unit"] == "step");
  CHECK(c["evaluate"]["every_epochs"].get<int>() == 1);
  CHECK(ex.trials[0]->total_steps == 20);
  CHECK(ex.trials[0]->steps_per_epoch == 100);  // quadratic's default
}

TEST_CASE("grid: keras epsilon mode defaults eps to 1e-7", "[grid]") {
  auto ex = plan(with_grid(R"({"optimizer.epsilon_mode": ["keras"]})"));
  CHECK(stored(ex.trials[0])["optimizer"]["epsilon"].get<double>() == 1e-7);
}

TEST_CASE("grid: budget in epochs uses the task's steps per epoch", "[grid]") {
  auto ex = plan(with_grid(R"({"budget": [{"epochs": 3}], "task.steps_per_epoch": [7]})"));
  CHECK(ex.trials[0]->total_steps == 21);
}

// Issue 24, point 6: planning was quadratic in the grid (every point copied the whole spec, grid
// included) and held every trial's configuration; 10^6 trials would have taken hours and gigabytes.
// A plan now makes each trial when asked: 200 000 trials are checked and then read back in any
// order, holding a few points' configurations. (How fast: bench/plan.sh.)
TEST_CASE("grid: 200000 trials are planned lazily, each the same whenever it is asked for", "[grid]") {
  std::string lrs = "[", steps = "[";
  for (int i = 0; i < 200; ++i) lrs += (i ? ", " : "") + std::to_string(0.0001 * (i + 1));
  for (int i = 0; i < 1000; ++i) steps += (i ? ", " : "") + std::to_string(i + 1);
  const long before = test::peak_rss_kb();
  auto ex = plan(R"({"name": "big", "seed": 3, "task": {"type": "quadratic", "curvatures": [1, 10]},
                     "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5},
                     "budget": {"steps": 1},
                     "grid": {"optimizer.learning_rate": )" + lrs + R"(], "schedule.decay_steps": )" + steps + "]}}");
  REQUIRE(ex.trials.size() == 200000);
  CHECK(ex.trials.points() == 200000);
  for (std::int64_t i : {std::int64_t{199999}, std::int64_t{0}, std::int64_t{123456}, std::int64_t{1}, std::int64_t{123456}}) {
    const lrlab::TrialConfig t = ex.trials.at(i);
    CHECK(t.index == i);
    const Json c = stored(t);
    CHECK(c["optimizer"]["learning_rate"].get<double>() == Json::parse(std::to_string(0.0001 * static_cast<double>(i / 1000 + 1))).get<double>());
    CHECK(c["schedule"]["decay_steps"].get<double>() == static_cast<double>(i % 1000 + 1));
    CHECK(t->config_text == c.dump());  // the text is what the JSON library would write
    CHECK(t.seed == lrlab::trial_seed(3, 0));
    CHECK(t.key == lrlab::sha256_hex(t->config_text + "#" + std::to_string(t.seed)));
  }
  CHECK_THROWS_AS(ex.trials.at(200000), std::out_of_range);
  // The configurations of 200 000 points take about a gigabyte; a plan holds a few of them.
  if (test::measures_memory()) CHECK(test::peak_rss_kb() - before < 64 * 1024);
}

// Issue 16, point 2: an explicit list of configurations instead of a product with wasted cells.
TEST_CASE("grid: cases are one factor, outermost, times the grid and the repeats", "[grid]") {
  auto ex = plan(R"({"name": "c", "seed": 7, "repeats": 2, "task": {"type": "quadratic", "curvatures": [1, 10]},
    "budget": {"steps": 20},
    "cases": [{"schedule": {"type": "constant"}},
              {"schedule": {"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.5}, "optimizer.beta_1": 0.8},
              {"policies": [{"type": "reduce_on_plateau", "factor": 0.5}]}],
    "grid": {"optimizer.learning_rate": [0.01, 0.1]}})");
  REQUIRE(ex.trials.size() == 12);  // 3 cases x 2 rates x 2 repeats
  const char* types[] = {"constant", "constant", "exponential_decay", "constant"};  // the default schedule in case 2
  for (std::int64_t i = 0; i < 12; ++i) {
    const auto t = ex.trials[i];
    const Json c = stored(t);
    const std::int64_t cs = i / 4;
    CHECK(c["schedule"]["type"] == types[cs == 0 ? 0 : cs == 1 ? 2 : 3]);
    CHECK(c["optimizer"]["learning_rate"].get<double>() == (i / 2 % 2 == 0 ? 0.01 : 0.1));
    CHECK(c["optimizer"]["beta_1"].get<double>() == (cs == 1 ? 0.8 : 0.9));
    CHECK(c["policies"].size() == (cs == 2 ? 1u : 0u));
  }
  // The case's paths are part of the trial's grid values (what summary labels configurations by).
  CHECK(ex.trials[4]->grid_point == Json::parse(R"({"schedule": {"type": "exponential_decay", "decay_steps": 5,
        "decay_rate": 0.5}, "optimizer.beta_1": 0.8, "optimizer.learning_rate": 0.01})"));
}

TEST_CASE("grid: an error inside a case names the case and its path", "[grid]") {
  CHECK_THAT(lrlab::test::plan_error(R"({"name": "c", "task": {"type": "quadratic", "curvatures": [1]}, "budget": {"steps": 2},
    "cases": [{"schedule": {"type": "constant"}}, {"schedule": {"type": "exponential_decay", "decay_steps": -5, "decay_rate": 0.5}}]})"),
             Catch::Matchers::Contains("/cases/1/schedule/decay_steps"));
  CHECK_THAT(lrlab::test::plan_error(R"({"name": "c", "task": {"type": "quadratic", "curvatures": [1]}, "budget": {"steps": 2},
    "cases": [{"optimizer.learning_rte": 0.1}, {"optimizer.learning_rate": 0.2}]})"),
             Catch::Matchers::Contains("/cases/0/optimizer"));
  CHECK_THAT(lrlab::test::plan_error(R"({"name": "c", "task": {"type": "quadratic", "curvatures": [1]}, "budget": {"steps": 2},
    "cases": [{}]})"),
             Catch::Matchers::Contains("/cases/0") && Catch::Matchers::Contains("a case is an object"));
  CHECK_THAT(lrlab::test::plan_error(R"({"name": "c", "task": {"type": "quadratic", "curvatures": [1]}, "budget": {"steps": 2},
    "cases": [{"optimizer.learning_rate": 0.1}, {"optimizer.learning_rate": 0.1}]})"),
             Catch::Matchers::Contains("/cases") && Catch::Matchers::Contains("changes nothing"));
}
