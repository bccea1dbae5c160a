// Population-based training's rules (pbt.hpp) against values worked out by hand in the comments:
// how many members exploit, who copies whom, how a copy explores; the block's errors with their
// JSON pointers. (Through the CLI, with the database checked by SQL: tests/e2e/pbt_test.cpp.)
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "lrlab/errors.hpp"
#include "lrlab/pbt.hpp"
#include "support/catalog.hpp"

using namespace lrlab;
using Catch::Matchers::Contains;

namespace {

const Resolver& pbt_resolver() {
  static const Resolver r(test::static_catalog());
  return r;
}

PbtConfig parsed_pbt(const Json& search) { return parse_pbt(search, 7, pbt_resolver()); }

Json pbt_block(const Json& mutations, double quantile = 0.25) {
  return {{"type", "pbt"}, {"population", 6}, {"interval", 10}, {"quantile", quantile}, {"mutations", mutations}};
}

std::string pbt_error(const Json& search) {
  try {
    parsed_pbt(search);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "no error";
}

std::vector<MemberAtGeneration> pbt_members(const std::vector<double>& values, const std::set<std::int64_t>& dead = {}) {
  std::vector<MemberAtGeneration> m;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto id = static_cast<std::int64_t>(i);
    m.push_back({id, values[i], !dead.count(id)});
  }
  return m;
}

}  // namespace

TEST_CASE("pbt: the quantile count is ceil(P q), at least 1 and at most P / 2 (Ray Tune's)", "[core][pbt]") {
  CHECK(quantile_count(6, 0.25) == 2);   // ceil(1.5)
  CHECK(quantile_count(8, 0.25) == 2);   // 2 exactly
  CHECK(quantile_count(10, 0.25) == 3);  // ceil(2.5)
  CHECK(quantile_count(5, 0.5) == 2);    // ceil(2.5) = 3, capped at floor(5 / 2)
  CHECK(quantile_count(2, 0.1) == 1);    // ceil(0.2)
  CHECK(quantile_count(3, 0.1) == 1);
}

TEST_CASE("pbt: the bottom quantile copies members of the top one, ties and NaN ranked as documented", "[core][pbt]") {
  const PbtConfig pbt = parsed_pbt(pbt_block({{"optimizer.learning_rate", {{"factors", {0.8, 1.25}}}}}));
  // Ranked: 1 (0.1), 5 (0.2), 3 (0.3), 0 (0.5), 2 (0.9), 4 (NaN, the worst). Two exploit: 4 and 2,
  // each copying 1 or 5.
  const auto e = exploit(pbt, 1, pbt_members({0.5, 0.1, 0.9, 0.3, NAN, 0.2}));
  REQUIRE(e.size() == 2);
  CHECK(e[0].member == 2);
  CHECK(e[1].member == 4);
  for (const auto& x : e) CHECK((x.parent == 1 || x.parent == 5));
  // A pure function of its inputs, in any order of the members.
  auto shuffled = pbt_members({0.5, 0.1, 0.9, 0.3, NAN, 0.2});
  std::reverse(shuffled.begin(), shuffled.end());
  const auto again = exploit(pbt, 1, shuffled);
  REQUIRE(again.size() == 2);
  CHECK(again[0].parent == e[0].parent);
  CHECK(again[1].parent == e[1].parent);
  // Over many generations both top members are copied (each is equally likely).
  std::set<std::int64_t> parents;
  for (std::int64_t g = 1; g <= 40; ++g)
    for (const auto& x : exploit(pbt, g, pbt_members({0.5, 0.1, 0.9, 0.3, NAN, 0.2}))) parents.insert(x.parent);
  CHECK(parents == std::set<std::int64_t>{1, 5});
  // Equal values: the lower member index ranks first, so members 4 and 5 exploit, copying 0 or 1.
  const auto tie = exploit(pbt, 1, pbt_members({1, 1, 1, 1, 1, 1}));
  REQUIRE(tie.size() == 2);
  CHECK(tie[0].member == 4);
  CHECK(tie[1].member == 5);
  for (const auto& x : tie) CHECK(x.parent <= 1);
}

TEST_CASE("pbt: only a member still training is copied, and the bottom stops where the top begins", "[core][pbt]") {
  const PbtConfig pbt = parsed_pbt(pbt_block({{"optimizer.learning_rate", {{"factors", {0.8, 1.25}}}}}, 0.5));
  // Ranked 0 (0.1, stopped early: nothing to copy), 1, 2, 3, 4, 5. Three may copy: the top live
  // ones are 1, 2, 3; the bottom three are 5, 4, and then 3, which is in the top: only 4 and 5 copy.
  const auto e = exploit(pbt, 2, pbt_members({0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0}));
  REQUIRE(e.size() == 2);
  CHECK(e[0].member == 4);
  CHECK(e[1].member == 5);
  for (const auto& x : e) CHECK((x.parent >= 1 && x.parent <= 3));
  // Nobody left training: nobody to copy.
  CHECK(exploit(pbt, 2, pbt_members({0.1, 0.2, 0.3, 0.4}, {0, 1, 2, 3})).empty());
}

TEST_CASE("pbt: explore multiplies by one of the factors, resamples, stays within bounds", "[core][pbt]") {
  const PbtConfig f = parsed_pbt(pbt_block({{"optimizer.learning_rate", {{"factors", {0.5, 2.0}}, {"high", 0.03}}},
                                    {"schedule.decay_steps", {{"factors", {0.8, 1.25}}}}}));
  std::set<double> seen;
  for (std::int64_t m = 0; m < 40; ++m) {
    const Json out = explore(f, 3, m, Json{{"optimizer.learning_rate", 0.01}, {"schedule.decay_steps", 100}});
    seen.insert(out["optimizer.learning_rate"].get<double>());
    // An integer stays an integer: 100 x 0.8 = 80, 100 x 1.25 = 125.
    REQUIRE(out["schedule.decay_steps"].is_number_integer());
    const auto steps = out["schedule.decay_steps"].get<std::int64_t>();
    CHECK((steps == 80 || steps == 125));
  }
  CHECK(seen == std::set<double>{0.005, 0.02});
  // 0.02 x 2 = 0.04 is above high: 0.03.
  std::set<double> clipped;
  for (std::int64_t m = 0; m < 40; ++m)
    clipped.insert(explore(f, 3, m, Json{{"optimizer.learning_rate", 0.02}, {"schedule.decay_steps", 100}})
                       ["optimizer.learning_rate"].get<double>());
  CHECK(clipped == std::set<double>{0.01, 0.03});

  // resample alone: every value a draw of the distribution, within its bounds, each member its own.
  const PbtConfig r = parsed_pbt(pbt_block({{"optimizer.learning_rate",
                                     {{"resample", {{"distribution", "log_uniform"}, {"low", 1e-4}, {"high", 1e-1}}}}}}));
  std::set<double> draws;
  for (std::int64_t m = 0; m < 20; ++m) {
    const double v = explore(r, 1, m, Json{{"optimizer.learning_rate", 0.5}})["optimizer.learning_rate"].get<double>();
    CHECK(v >= 1e-4);
    CHECK(v <= 1e-1);
    draws.insert(v);
    // The same generation and member: the same value.
    CHECK(explore(r, 1, m, Json{{"optimizer.learning_rate", 0.5}})["optimizer.learning_rate"].get<double>() == v);
  }
  CHECK(draws.size() == 20);
  // A resample-only path is drawn for the first generation too (Ray Tune's): it joins the space.
  CHECK(r.space.contains("optimizer.learning_rate"));
  // Both: resample with probability resample_probability (0: never), else a factor; the
  // distribution's low and high bound the factor's result too: 0.08 x 2 = 0.16 is kept at 0.1.
  const PbtConfig both = parsed_pbt(pbt_block({{"optimizer.learning_rate",
                                        {{"factors", {2.0}}, {"resample_probability", 0.0},
                                         {"resample", {{"distribution", "uniform"}, {"low", 0.001}, {"high", 0.1}}}}}}));
  CHECK(explore(both, 1, 0, Json{{"optimizer.learning_rate", 0.01}})["optimizer.learning_rate"].get<double>() == 0.02);
  CHECK(explore(both, 1, 0, Json{{"optimizer.learning_rate", 0.08}})["optimizer.learning_rate"].get<double>() == 0.1);
}

TEST_CASE("pbt: bad settings are spec errors at their JSON pointers", "[core][pbt][errors]") {
  const Json lr = {{"optimizer.learning_rate", {{"factors", {0.8, 1.25}}}}};
  CHECK_THAT(pbt_error(pbt_block(lr, 0.6)), Contains("/search/quantile") && Contains("(0, 0.5]"));
  CHECK_THAT(pbt_error(pbt_block(lr, 0.0)), Contains("/search/quantile"));
  Json small = pbt_block(lr);
  small["population"] = 1;
  CHECK_THAT(pbt_error(small), Contains("/search/population"));
  CHECK_THAT(pbt_error(pbt_block({{"task.hidden", {{"factors", {2}}}}})),
             Contains("/search/mutations/task.hidden: PBT mutates what sets the learning rate"));
  CHECK_THAT(pbt_error(pbt_block({{"optimizer.learning_rate", {{"low", 0.1}}}})),
             Contains("/search/mutations/optimizer.learning_rate: a mutation needs \"factors\""));
  CHECK_THAT(pbt_error(pbt_block({{"optimizer.learning_rate", {{"factors", {-1.0}}}}})),
             Contains("/search/mutations/optimizer.learning_rate/factors"));
  CHECK_THAT(pbt_error(pbt_block({{"optimizer.learning_rate", {{"factors", {2}}, {"low", 0.1}, {"high", 0.01}}}})),
             Contains("/search/mutations/optimizer.learning_rate/high: high (0.01) must be above low (0.1)"));
  CHECK_THAT(pbt_error(pbt_block({{"optimizer.learning_rate", {{"resample", {{"distribution", "log_uniform"}, {"low", 1}}}}}})),
             Contains("/search/mutations/optimizer.learning_rate/resample"));
  CHECK_THAT(pbt_error(pbt_block({{"optimizer.learning_rate", {{"resample", {{"distribution", "choice"}, {"values", {"a"}}}}}}})),
             Contains("/search/mutations/optimizer.learning_rate/resample: draws \"a\", not a number"));
  Json inside = pbt_block({{"schedule.decay_rate", {{"factors", {2}}}}});
  inside["space"] = {{"schedule", {{"distribution", "choice"}, {"values", Json::array({Json{{"type", "constant"}}})}}}};
  CHECK_THAT(pbt_error(inside), Contains("/search/mutations/schedule.decay_rate: \"schedule.decay_rate\" lies inside \"schedule\""));
  // current_values: the value must be a number in the configuration.
  const PbtConfig pbt = parsed_pbt(pbt_block({{"schedule.type", {{"factors", {2}}}}}));
  try {
    current_values(pbt, Json::object(), Json{{"schedule", {{"type", "constant"}}}});
    FAIL("no error");
  } catch (const SpecError& e) {
    CHECK_THAT(std::string(e.what()), Contains("/search/mutations/schedule.type") && Contains("not a number"));
  }
}
