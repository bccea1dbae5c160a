// The pruners' rungs, brackets and decisions, against values worked out by hand in the comments;
// their settings' errors with the JSON pointer.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "lrlab/errors.hpp"
#include "lrlab/pruner.hpp"
#include "support/catalog.hpp"

using namespace lrlab;
using Catch::Matchers::Contains;

namespace {

const Resolver& pruner_resolver() {
  static const Resolver r(test::static_catalog());
  return r;
}

Pruner pruner(const Json& section, std::int64_t points, std::int64_t repeats = 1, std::int64_t total = 621,
              std::int64_t eval_every = 23) {
  return Pruner(parse_pruner(section, pruner_resolver()), points, repeats, total, eval_every);
}

std::string pruner_error(const Json& section, std::int64_t repeats = 1, std::int64_t total = 621, std::int64_t eval_every = 23) {
  try {
    pruner(section, 10, repeats, total, eval_every);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "no error";
}

// One repeat per configuration: point i has value values[i] now and best[i] so far.
std::vector<PointAtRung> cohort(const std::vector<double>& values, std::vector<double> best = {}, std::int64_t first = 0) {
  if (best.empty()) best = values;
  std::vector<PointAtRung> c;
  for (std::size_t i = 0; i < values.size(); ++i)
    c.push_back({first + static_cast<std::int64_t>(i), {values[i]}, {best[i]}, true});
  return c;
}

std::vector<std::int64_t> points_of(const std::vector<Pruning>& d) {
  std::vector<std::int64_t> p;
  for (const auto& x : d) p.push_back(x.point);
  return p;
}

}  // namespace

TEST_CASE("successive halving: rungs at min_steps * eta^k below the budget, or as given", "[core][pruner]") {
  // 27 epochs of 23 updates = 621; eta 3 from one epoch: 23, 69, 207 (621 is the end, not a rung).
  CHECK(pruner({{"type", "successive_halving"}}, 27).rung_steps() == std::vector<std::int64_t>{23, 69, 207});
  CHECK(pruner({{"type", "successive_halving"}, {"eta", 2}, {"min_steps", 46}}, 27).rung_steps() ==
        std::vector<std::int64_t>{46, 92, 184, 368});
  CHECK(pruner({{"type", "successive_halving"}, {"rungs", {92, 115}}}, 27).rung_steps() == std::vector<std::int64_t>{92, 115});
}

TEST_CASE("successive halving keeps the best floor(n / eta), ties to the lower index, diverged last", "[core][pruner]") {
  const Pruner p = pruner({{"type", "successive_halving"}}, 9);
  // 9 configurations at rung 23: floor(9 / 3) = 3 go on. Values 0.5 (point 2) and 0.5 (point 6)
  // tie for third place: point 2 goes on. Point 4 diverged (+inf).
  auto d = p.decide(23, cohort({0.9, 0.2, 0.5, 0.7, INFINITY, 0.1, 0.5, 0.8, 0.6}));
  CHECK(points_of(d) == std::vector<std::int64_t>{0, 3, 4, 6, 7, 8});
  CHECK_THAT(d[2].reason, Contains("rung 1 of 3 (step 23)") && Contains("ranks 9 of 9") && Contains("the best 3 go on"));
  // Not a rung: nothing is decided.
  CHECK(p.decide(46, cohort({0.9, 0.2, 0.5})).empty());
  // Rung 69 with the 3 that went on: floor(3 / 3) = 1. A configuration that is not live (all its
  // repeats stopped early) ranks but is not pruned.
  auto c = cohort({0.3, 0.1, 0.2}, {}, 1);
  c[0].live = false;
  CHECK(points_of(p.decide(69, c)) == std::vector<std::int64_t>{3});
  // Two configurations: max(1, floor(2 / 3)) = 1 goes on.
  CHECK(points_of(p.decide(207, cohort({0.4, 0.3}))) == std::vector<std::int64_t>{0});
  // "mode": "max": higher is better, so 0.9 goes on.
  const Pruner acc = pruner({{"type", "successive_halving"}, {"metric", "val_accuracy"}, {"mode", "max"}}, 3);
  CHECK(points_of(acc.decide(23, cohort({0.9, 0.2, 0.5}))) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("successive halving with repeats compares the mean over the repeats", "[core][pruner]") {
  const Pruner p = pruner({{"type", "successive_halving"}, {"eta", 2}}, 2, 3);
  // Point 0: mean (0.1 + 0.5 + 0.3) / 3 = 0.3; point 1: mean (0.2 + 0.2 + 0.35) / 3 = 0.25.
  std::vector<PointAtRung> c{{0, {0.1, 0.5, 0.3}, {0.1, 0.5, 0.3}, true}, {1, {0.2, 0.2, 0.35}, {0.2, 0.2, 0.35}, true}};
  CHECK(points_of(p.decide(23, c)) == std::vector<std::int64_t>{0});
}

TEST_CASE("hyperband: brackets from budget / eta^s, dealt in proportion to n_s, interleaved", "[core][pruner]") {
  // R = 621 updates, r_min = 23, eta = 3: s_max = log3(27) = 3. Brackets (in the order s = 3..0)
  // start at 621/27 = 23, 621/9 = 69, 621/3 = 207 and 621 (no rung: trains fully).
  const Pruner p = pruner({{"type", "hyperband"}}, 49);
  REQUIRE(p.brackets() == 4);
  CHECK(p.rungs_of(0) == std::vector<std::int64_t>{23, 69, 207});
  CHECK(p.rungs_of(1) == std::vector<std::int64_t>{69, 207});
  CHECK(p.rungs_of(2) == std::vector<std::int64_t>{207});
  CHECK(p.rungs_of(3).empty());
  CHECK(p.rung_steps() == std::vector<std::int64_t>{23, 69, 207});
  // n_s = ceil((s_max + 1) / (s + 1) * eta^s): 27, 12, 6, 4 (49 in all): 49 points get exactly those.
  std::map<int, int> count;
  for (std::int64_t i = 0; i < 49; ++i) ++count[p.bracket_of(i)];
  CHECK(count == std::map<int, int>{{0, 27}, {1, 12}, {2, 6}, {3, 4}});
  // Smooth weighted round robin with weights 27, 12, 6, 4 (total 49), each point adding the weights
  // and the largest giving 49 back: [27, 12, 6, 4] -> bracket 0, left [-22, 12, 6, 4]; [5, 24, 12,
  // 8] -> bracket 1, left [5, -25, 12, 8]; [32, -13, 18, 12] -> bracket 0.
  CHECK(p.bracket_of(0) == 0);
  CHECK(p.bracket_of(1) == 1);
  CHECK(p.bracket_of(2) == 0);
  // A bracket decides for its own configurations only: at 23 only bracket 0 has a rung.
  std::vector<double> values(49);
  for (int i = 0; i < 49; ++i) values[static_cast<std::size_t>(i)] = 1.0 / (1 + i);  // later points better
  const auto d = p.decide(23, cohort(values));
  for (const auto& x : d) CHECK(p.bracket_of(x.point) == 0);
  CHECK(d.size() == 27 - 9);  // floor(27 / 3) = 9 go on
  // Rounded down to evaluation steps: R = 600, eval 25, r_min 25: s_max = floor(log3(24)) = 2;
  // bracket 2 starts at 600 / 9 = 66.7, rounded down to 50, then 200; bracket 1 at 200; bracket 0
  // trains fully.
  const Pruner q = pruner({{"type", "hyperband"}, {"min_steps", 25}}, 10, 1, 600, 25);
  REQUIRE(q.brackets() == 3);
  CHECK(q.rungs_of(0) == std::vector<std::int64_t>{50, 200});  // 600/9 = 66.7 -> 50; 200 -> 200
  CHECK(q.rungs_of(1) == std::vector<std::int64_t>{200});
}

TEST_CASE("median: a configuration whose best so far is worse than the median at the step", "[core][pruner]") {
  const Pruner p = pruner({{"type", "median"}, {"warmup_steps", 46}}, 6);
  CHECK(p.rung_steps().front() == 46);  // every evaluation (23) from 46 on
  CHECK(p.rung_steps().back() == 598);
  // Values now: 0.1 0.4 0.2 0.5 0.3 0.6: median (0.3 + 0.4) / 2 = 0.35. Best so far: point 1 had
  // 0.3 (not worse than 0.35: stays), point 3 0.5 and point 5 0.6 stop.
  auto d = p.decide(46, cohort({0.1, 0.4, 0.2, 0.5, 0.3, 0.6}, {0.1, 0.3, 0.2, 0.5, 0.3, 0.6}));
  CHECK(points_of(d) == std::vector<std::int64_t>{3, 5});
  CHECK_THAT(d.front().reason, Contains("median 0.35"));
  // Fewer than min_configurations (5) at the step: no decision.
  CHECK(p.decide(46, cohort({0.1, 0.9, 0.9, 0.9})).empty());
}

TEST_CASE("paired_wilcoxon: stops a configuration whose paired repeats lose to the best's", "[core][pruner]") {
  const Pruner p = pruner({{"type", "paired_wilcoxon"}}, 3, 5);
  const std::vector<double> best{0.10, 0.20, 0.15, 0.30, 0.25};
  // Point 1 is worse in all 5 repeats: one-sided exact p = 1/32 = 0.03125 < 0.05: stops.
  // Point 2 (mean 0.21 against 0.20) is worse in 4 repeats, better in the one with the largest
  // |difference| (rank 5):
  // W+ = 1 + 2 + 3 + 4 = 10, P(W+ >= 10) = P(W+ <= 5) = 10/32 (the subsets of {1..5} summing to
  // at most 5: {}, 1, 2, 3, 4, 5, 1+2, 1+3, 1+4, 2+3): goes on.
  std::vector<PointAtRung> c{{0, best, best, true},
                             {1, {0.11, 0.22, 0.18, 0.34, 0.30}, {}, true},
                             {2, {0.11, 0.22, 0.18, 0.34, 0.20}, {}, true}};
  for (auto& x : c) x.best = x.values;
  const auto d = p.decide(23, c);
  CHECK(points_of(d) == std::vector<std::int64_t>{1});
  CHECK_THAT(d.front().reason, Contains("p = 0.03125") && Contains("(point 0)"));
}

TEST_CASE("pruner settings that cannot work are spec errors at their pointer", "[core][pruner][errors]") {
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"eta", 1}}), Contains("/pruner/eta"));
  CHECK_THAT(pruner_error({{"type", "hyperband"}, {"eta", 0}}), Contains("/pruner/eta"));
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"min_steps", 621}}),
             Contains("/pruner/min_steps") && Contains("not below the budget (621 updates)"));
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"rungs", {23, 700}}}),
             Contains("/pruner/rungs/1") && Contains("not below the budget"));
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"rungs", {50}}}),
             Contains("/pruner/rungs/0") && Contains("not an evaluation step (the trials evaluate every 23 updates)"));
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"rungs", {69, 46}}}), Contains("/pruner/rungs/1") && Contains("ascending"));
  CHECK_THAT(pruner_error({{"type", "successive_halving"}, {"rungs", {23}}, {"min_steps", 23}}), Contains("/pruner/rungs"));
  CHECK_THAT(pruner_error({{"type", "median"}, {"warmup_steps", 700}}), Contains("/pruner/warmup_steps") && Contains("no rung"));
  CHECK_THAT(pruner_error({{"type", "median"}, {"every_steps", 30}}), Contains("/pruner/every_steps") && Contains("multiple"));
  CHECK_THAT(pruner_error({{"type", "paired_wilcoxon"}}, 4),
             Contains("/pruner/alpha") && Contains("smallest p-value is 0.0625") && Contains("at least 5 repeats"));
  CHECK(pruner_error({{"type", "paired_wilcoxon"}, {"alpha", 0.1}}, 4) == "no error");
  CHECK_THAT(pruner_error({{"type", "paired_wilcoxon"}, {"alpha", 1.5}}), Contains("/pruner/alpha"));
  CHECK_THAT(pruner_error({{"type", "succesive_halving"}}), Contains("/pruner/type"));
  CHECK_THAT(pruner_error({{"type", "median"}, {"eta", 3}}), Contains("/pruner/eta"));  // not a median setting
  CHECK_THAT(pruner_error({{"type", "median"}, {"metric", "test_loss"}}), Contains("/pruner/metric") && Contains("test metric"));
  CHECK_THAT(pruner_error({{"type", "median"}, {"mode", "up"}}), Contains("/pruner/mode"));
  CHECK_THAT(pruner_error(Json::array()), Contains("/pruner"));
  CHECK(pruner_error(Json::object()) == "no error");  // no pruner
}
