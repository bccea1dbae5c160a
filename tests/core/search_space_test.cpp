// Search spaces: each distribution against its formula written out from the documented draw
// (search_space.hpp), conditional choices, the independence of a point from the trial count, and
// the plan a search makes.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "lrlab/halton.hpp"
#include "lrlab/random.hpp"
#include "lrlab/search_space.hpp"
#include "support/catalog.hpp"
#include "support/plan.hpp"

using namespace lrlab;
using lrlab::test::plan;
using lrlab::test::plan_error;

namespace {

const Resolver& resolver() {
  static const Resolver r(test::static_catalog());
  return r;
}

SearchSpace space(const std::string& type, const Json& dists, std::int64_t trials = 100, std::uint64_t seed = 11) {
  return SearchSpace(Json{{"type", type}, {"trials", trials}, {"space", dists}}, seed, resolver());
}

// The documented uniform draw of a random search: point i, dimension d.
double u_random(std::uint64_t seed, std::uint64_t i, std::uint64_t d) {
  return Rng(derive_seed(derive_seed(derive_seed(seed, streams::search), i), d)).uniform();
}

}  // namespace

TEST_CASE("search: each distribution is its formula of the documented uniform draw", "[search]") {
  const Json dists = {
      {"a", {{"distribution", "uniform"}, {"low", -2}, {"high", 3}}},
      {"b", {{"distribution", "log_uniform"}, {"low", 1e-5}, {"high", 1e-1}}},
      {"c", {{"distribution", "int_uniform"}, {"low", 3}, {"high", 7}}},
      {"d", {{"distribution", "log_int_uniform"}, {"low", 1}, {"high", 1000}}},
      {"e", {{"distribution", "normal"}, {"mean", 1}, {"std", 0.5}}},
      {"f", {{"distribution", "log_normal"}, {"median", 1e-3}, {"std", 2}}},
      {"g", {{"distribution", "choice"}, {"values", {"x", 2, Json{{"k", 1}}}}}},
  };
  const SearchSpace s = space("random", dists);
  CHECK(s.dimensions() == 7);
  for (std::int64_t i = 0; i < 200; ++i) {
    const Json p = s.point(i);
    const auto u = [&](std::uint64_t d) { return u_random(11, static_cast<std::uint64_t>(i), d); };
    INFO("point " << i << ": " << p.dump());
    CHECK(p["a"].get<double>() == Approx(-2 + 5 * u(0)).epsilon(1e-14));
    CHECK(p["b"].get<double>() == Approx(1e-5 * std::pow(1e4, u(1))).epsilon(1e-12));
    CHECK(p["c"].get<std::int64_t>() == 3 + static_cast<std::int64_t>(std::floor(5 * u(2))));
    CHECK(p["c"].is_number_integer());
    // log_int_uniform: floor of a log-uniform draw in [1, 1001).
    CHECK(p["d"].get<std::int64_t>() == std::min<std::int64_t>(1000, static_cast<std::int64_t>(std::floor(std::pow(1001.0, u(3))))));
    // normal: z = Phi^-1(u), checked through Phi(z) = erfc(-z / sqrt 2) / 2 rather than a second inverse.
    const double z_e = (p["e"].get<double>() - 1) / 0.5;
    CHECK(0.5 * std::erfc(-z_e / std::sqrt(2.0)) == Approx(u(4)).margin(1e-12));
    const double z_f = std::log(p["f"].get<double>() / 1e-3) / 2;
    CHECK(0.5 * std::erfc(-z_f / std::sqrt(2.0)) == Approx(u(5)).margin(1e-12));
    const Json values = {"x", 2, Json{{"k", 1}}};
    CHECK(p["g"] == values[static_cast<std::size_t>(std::floor(3 * u(6)))]);
  }
}

TEST_CASE("search: quasi-random points are the scrambled Halton coordinates of the search seed", "[search]") {
  const SearchSpace s = space("quasi_random", {{"lr", {{"distribution", "log_uniform"}, {"low", 1e-4}, {"high", 1}}},
                                               {"w", {{"distribution", "uniform"}, {"low", 0}, {"high", 2}}}});
  const ScrambledHalton h(11);
  for (std::int64_t i = 0; i < 64; ++i) {
    const Json p = s.point(i);
    CHECK(p["lr"].get<double>() == Approx(1e-4 * std::pow(1e4, h.coordinate(static_cast<std::uint64_t>(i), 0))).epsilon(1e-12));
    CHECK(p["w"].get<double>() == Approx(2 * h.coordinate(static_cast<std::uint64_t>(i), 1)).epsilon(1e-14));
  }
  // 16 points of a log-uniform rate over four decades: four in each decade (base-2 stratification).
  std::map<int, int> per_decade;
  for (std::int64_t i = 0; i < 16; ++i) ++per_decade[static_cast<int>(std::floor(-std::log10(s.point(i)["lr"].get<double>())))];
  CHECK(per_decade == std::map<int, int>{{0, 4}, {1, 4}, {2, 4}, {3, 4}});
}

TEST_CASE("search: the frequencies of a random search are the distributions'", "[search]") {
  const SearchSpace s = space("random", {{"lr", {{"distribution", "log_uniform"}, {"low", 1e-4}, {"high", 1e-2}}},
                                         {"n", {{"distribution", "int_uniform"}, {"low", 1}, {"high", 4}}},
                                         {"c", {{"distribution", "choice"}, {"values", {"a", "b"}}}}},
                              4000);
  int below_middle = 0, a = 0;
  std::map<std::int64_t, int> n;
  for (std::int64_t i = 0; i < 4000; ++i) {
    const Json p = s.point(i);
    below_middle += p["lr"].get<double>() < 1e-3;  // the geometric middle of the range
    ++n[p["n"].get<std::int64_t>()];
    a += p["c"] == "a";
  }
  // Binomial(4000, 1/2): sd 32; (4000, 1/4): sd 27. Bounds at about 4.5 sd.
  CHECK(std::abs(below_middle - 2000) < 145);
  CHECK(std::abs(a - 2000) < 145);
  REQUIRE(n.size() == 4);
  for (const auto& [value, count] : n) CHECK(std::abs(count - 1000) < 125);
}

TEST_CASE("search: a conditional choice draws only the chosen value's distributions, numbered depth first", "[search]") {
  const Json dists = {{"schedule", {{"distribution", "choice"},
                                    {"values", {Json{{"type", "constant"}},
                                                Json{{"type", "exponential_decay"},
                                                     {"decay_rate", {{"distribution", "uniform"}, {"low", 0.5}, {"high", 0.9}}},
                                                     {"decay_steps", {{"distribution", "int_uniform"}, {"low", 10}, {"high", 20}}}}}}}},
                      {"optimizer.learning_rate", {{"distribution", "log_uniform"}, {"low", 1e-3}, {"high", 1e-1}}}};
  const SearchSpace s = space("random", dists);
  REQUIRE(s.dimensions() == 4);  // the choice 0, decay_rate 1, decay_steps 2, the rate 3
  int decays = 0;
  for (std::int64_t i = 0; i < 100; ++i) {
    const Json p = s.point(i);
    const auto u = [&](std::uint64_t d) { return u_random(11, static_cast<std::uint64_t>(i), d); };
    CHECK(p["optimizer.learning_rate"].get<double>() == Approx(1e-3 * std::pow(100.0, u(3))).epsilon(1e-12));
    if (u(0) < 0.5) {
      CHECK(p["schedule"] == Json{{"type", "constant"}});
    } else {
      ++decays;
      CHECK(p["schedule"]["type"] == "exponential_decay");
      CHECK(p["schedule"]["decay_rate"].get<double>() == Approx(0.5 + 0.4 * u(1)).epsilon(1e-14));
      CHECK(p["schedule"]["decay_steps"].get<std::int64_t>() == 10 + static_cast<std::int64_t>(std::floor(11 * u(2))));
    }
  }
  CHECK(decays > 20);
  CHECK(decays < 80);
}

TEST_CASE("search: a point depends on its index and the seed alone, not on how many are drawn", "[search]") {
  const Json dists = {{"x", {{"distribution", "uniform"}, {"low", 0}, {"high", 1}}}};
  for (const char* type : {"random", "quasi_random"}) {
    const SearchSpace s20 = space(type, dists, 20), s30 = space(type, dists, 30), other = space(type, dists, 20, 12);
    for (std::int64_t i = 0; i < 20; ++i) {
      CHECK(s20.point(i) == s30.point(i));
      CHECK(s20.point(i) != other.point(i));
    }
  }
  // The search's own seed, when given, replaces the spec's.
  const SearchSpace own(Json{{"type", "random"}, {"trials", 5}, {"seed", 12}, {"space", dists}}, 11, resolver());
  CHECK(own.point(3) == space("random", dists, 5, 12).point(3));
}

namespace {

std::string spec_with_search(const std::string& search, const std::string& extra = "") {
  return R"({"name": "s", "seed": 4, "repeats": 2,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1], "steps_per_epoch": 5},
  "budget": {"epochs": 2}, )" + extra + R"("search": )" + search + "}";
}

}  // namespace

TEST_CASE("search: the plan is search points (outermost) x cases x grid x repeats, each point's values in place",
          "[search][plan]") {
  const std::string search = R"({"type": "random", "trials": 3, "space": {
      "optimizer.learning_rate": {"distribution": "log_uniform", "low": 0.001, "high": 0.1}}})";
  const Experiment ex = plan(spec_with_search(search, R"("grid": {"optimizer.beta_1": [0.8, 0.9]}, )"));
  REQUIRE(ex.trials.size() == 3 * 2 * 2);
  const SearchSpace s(Json::parse(search), 4, resolver());
  for (std::int64_t i = 0; i < ex.trials.size(); ++i) {
    const TrialConfig t = ex.trials[i];
    const std::int64_t point = i / 4;  // 2 grid values x 2 repeats per search point
    INFO("trial " << i);
    CHECK(t.point->learning_rate == s.point(point)["optimizer.learning_rate"].get<double>());
    CHECK(t.point->optimizer["beta_1"].get<double>() == (i / 2 % 2 == 0 ? 0.8 : 0.9));
    CHECK(t.repeat == i % 2);
    CHECK(t.point->grid_point["optimizer.learning_rate"] == s.point(point)["optimizer.learning_rate"]);
  }
  // Raising the trials appends: the first 12 trials are the same trials (same keys).
  const Experiment more = plan(spec_with_search(
      R"({"type": "random", "trials": 5, "space": {"optimizer.learning_rate": {"distribution": "log_uniform", "low": 0.001, "high": 0.1}}})",
      R"("grid": {"optimizer.beta_1": [0.8, 0.9]}, )"));
  REQUIRE(more.trials.size() == 20);
  for (std::int64_t i = 0; i < 12; ++i) CHECK(more.trials[i].key == ex.trials[i].key);
}

TEST_CASE("search: bad spaces are spec errors at their pointer", "[search][errors]") {
  const auto err = [](const std::string& space) {
    return plan_error(spec_with_search(R"({"type": "random", "trials": 4, "space": )" + space + "}"));
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(err(R"({"optimizer.learning_rate": {"distribution": "uniform", "low": 0.1, "high": 0.1}})"),
             Contains("/search/space/optimizer.learning_rate/high") && Contains("must be above low"));
  CHECK_THAT(err(R"({"optimizer.learning_rate": {"distribution": "log_uniform", "low": -1, "high": 0.1}})"),
             Contains("/search/space/optimizer.learning_rate/low") && Contains("> 0"));
  CHECK_THAT(err(R"({"schedule": {"distribution": "choice", "values": []}})"),
             Contains("/search/space/schedule/values") && Contains("no values"));
  CHECK_THAT(err(R"({"optimizer.learnin_rate": {"distribution": "uniform", "low": 0.1, "high": 0.2}})"),
             Contains("/search/space/optimizer.learnin_rate") && Contains("did you mean learning_rate"));
  CHECK_THAT(err(R"({"optimizer.learning_rate": {"distribution": "loguniform", "low": 0.1, "high": 0.2}})"),
             Contains("/search/space/optimizer.learning_rate/distribution") && Contains("did you mean log_uniform"));
  CHECK_THAT(err(R"({"optimizer.learning_rate": 0.1})"), Contains("/search/space/optimizer.learning_rate: expected a distribution"));
  CHECK_THAT(err(R"({})"), Contains("/search/space: expected an object"));
  CHECK_THAT(err(R"({"optimizer.beta_1": {"distribution": "uniform", "low": 0.5, "high": 1.5}})"),
             Contains("/search/space/optimizer.beta_1") && Contains("drawn for the search's point"));
  CHECK_THAT(err(R"({"schedule": {"distribution": "choice", "values": [{"type": "exponential_decay", "decay_steps": 3,
                 "decay_rate": {"distribution": "normal", "mean": 0.5, "std": 0}}]}})"),
             Contains("/search/space/schedule/values/0/decay_rate/std"));
  CHECK_THAT(plan_error(spec_with_search(R"({"type": "randon", "trials": 4, "space": {}})")), Contains("/search/type"));
  CHECK_THAT(plan_error(spec_with_search(R"({"type": "random", "trials": 600000, "space": {"optimizer.learning_rate":
                 {"distribution": "uniform", "low": 0.1, "high": 0.2}}})")),
             Contains("/search/trials") && Contains("1200000 trials"));
}

TEST_CASE("search: integer ranges are exact to the ends of int64, and a draw past the doubles is an error", "[search]") {
  // Beyond 2^53 a double holds only even integers: the draw must not go through one.
  const SearchSpace big = space("random", {{"n", {{"distribution", "int_uniform"}, {"low", 9007199254740993LL}, {"high", 9007199254741001LL}}}}, 400);
  std::set<std::int64_t> seen;
  for (std::int64_t i = 0; i < 400; ++i) seen.insert(big.point(i)["n"].get<std::int64_t>());
  CHECK(seen == std::set<std::int64_t>{9007199254740993LL, 9007199254740994LL, 9007199254740995LL, 9007199254740996LL,
                                       9007199254740997LL, 9007199254740998LL, 9007199254740999LL, 9007199254741000LL,
                                       9007199254741001LL});
  const SearchSpace whole = space("random", {{"n", {{"distribution", "int_uniform"}, {"low", 0}, {"high", INT64_MAX}}},
                                             {"m", {{"distribution", "log_int_uniform"}, {"low", 1}, {"high", INT64_MAX}}}}, 200);
  for (std::int64_t i = 0; i < 200; ++i) {
    CHECK(whole.point(i)["n"].get<std::int64_t>() >= 0);
    CHECK(whole.point(i)["m"].get<std::int64_t>() >= 1);
  }
  // Bounds compared as integers: 2^60 and 2^60 + 4 are different.
  CHECK_NOTHROW(space("random", {{"n", {{"distribution", "int_uniform"}, {"low", 1152921504606846976LL}, {"high", 1152921504606846980LL}}}}));
  // A log-normal whose draws overflow.
  const SearchSpace wild = space("random", {{"x", {{"distribution", "log_normal"}, {"median", 1e300}, {"std", 100}}}}, 50);
  bool threw = false;
  for (std::int64_t i = 0; i < 50 && !threw; ++i) {
    try {
      wild.point(i);
    } catch (const SpecError& e) {
      threw = true;
      CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("/search/space/x") && Catch::Matchers::Contains("not a finite number"));
    }
  }
  CHECK(threw);
}

TEST_CASE("search: a path searched and also listed, or inside another searched path, is an error", "[search][errors]") {
  using Catch::Matchers::Contains;
  const std::string lr = R"("optimizer.learning_rate": {"distribution": "log_uniform", "low": 0.001, "high": 0.1})";
  CHECK_THAT(plan_error(spec_with_search(R"({"type": "random", "trials": 4, "space": {)" + lr + "}}",
                                         R"("grid": {"optimizer.learning_rate": [0.5, 0.6]}, )")),
             Contains("/search/space/optimizer.learning_rate") && Contains("/grid/optimizer.learning_rate sets"));
  CHECK_THAT(plan_error(spec_with_search(R"({"type": "random", "trials": 4, "space": {)" + lr + "}}",
                                         R"("cases": [{"optimizer": {"learning_rate": 0.5}}], )")),
             Contains("/search/space/optimizer.learning_rate") && Contains("/cases/0/optimizer sets"));
  CHECK_THAT(plan_error(spec_with_search(R"({"type": "random", "trials": 4, "space": {
      "schedule.decay_rate": {"distribution": "uniform", "low": 0.5, "high": 0.9},
      "schedule": {"distribution": "choice", "values": [{"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.5}]}}})")),
             Contains("/search/space/schedule: \"schedule\" holds \"schedule.decay_rate\""));
  // A search that draws one configuration twice is fine (a choice of two, several trials).
  CHECK(plan_error(spec_with_search(R"({"type": "random", "trials": 6, "space": {
      "optimizer.epsilon_mode": {"distribution": "choice", "values": ["pytorch", "keras"]}}})")) == "");
}

TEST_CASE("search: an error inside a chosen value points into that value", "[search][errors]") {
  using Catch::Matchers::Contains;
  const std::string e = plan_error(spec_with_search(R"({"type": "random", "trials": 8, "space": {
      "schedule": {"distribution": "choice", "values": [
        {"type": "exponential_decay", "decay_steps": 5, "decay_rate": {"distribution": "uniform", "low": -2, "high": -1}},
        {"type": "exponential_decay", "decay_step": 5, "decay_rate": 0.5}]}}})"));
  // Whichever value the first trials drew: the pointer goes through /values/N.
  const bool drawn = e.find("/search/space/schedule/values/0/decay_rate") != std::string::npos;
  const bool written = e.find("/search/space/schedule/values/1/decay_step") != std::string::npos;
  INFO(e);
  CHECK((drawn || written));
  if (drawn) CHECK_THAT(e, Contains("drawn for the search's point"));
  if (written) CHECK_THAT(e, !Contains("drawn for") && Contains("did you mean decay_steps"));
}
