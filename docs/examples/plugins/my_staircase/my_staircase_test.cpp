// Tests of my_staircase, with the plugin linked into this binary (my_staircase_plugin_objects).
#include <lrlab/catch2.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(my_staircase);

namespace {

// What the plugin registered, as the core would see it.
const lrlab::ComponentDecl& component() {
  static const lrlab::Registry registry = [] {
    lrlab::Registry r;
    lrlab_plugin_register_my_staircase(r);
    return r;
  }();
  REQUIRE(registry.components().size() == 1);
  return registry.components().front();
}

// The factory receives validated parameters, defaults filled in: here written out in full.
lrlab::SchedulePtr make(lrlab::Json params, double base_lr = 0.01) {
  lrlab::ScheduleContext ctx;
  ctx.base_lr = base_lr;
  return component().make_schedule(lrlab::Params(std::move(params)), ctx);
}

}  // namespace

TEST_CASE("my_staircase drops by decay_rate at each multiple of decay_steps") {
  const auto s = make({{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5}});
  // Expected values written out from the formula 0.1 * 0.5^floor(t / 10).
  const std::vector<std::pair<std::int64_t, double>> expected{
      {0, 0.1}, {1, 0.1}, {9, 0.1}, {10, 0.05}, {19, 0.05}, {20, 0.025}, {35, 0.0125}, {100, 0.1 / 1024}};
  for (const auto& [t, lr] : expected) {
    INFO("t = " << t);
    CHECK(s->value(t) == Approx(lr).epsilon(1e-15));
  }
}

TEST_CASE("my_staircase starts from the optimizer's learning rate by default") {
  CHECK(make({{"decay_steps", 10}, {"decay_rate", 0.5}}, 0.3)->value(0) == Approx(0.3));
}

TEST_CASE("my_staircase is pure: the same step gives the same rate, in any order") {
  const auto s = make({{"decay_steps", 3}, {"decay_rate", 0.9}});
  const double late = s->value(1000);
  CHECK(s->value(0) == 0.01);
  CHECK(s->value(1000) == late);
}

TEST_CASE("my_staircase declares decay_steps as a required positive integer") {
  const auto& params = component().params;
  const auto it = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.name == "decay_steps"; });
  REQUIRE(it != params.end());
  CHECK(it->type == lrlab::ParamType::integer);
  CHECK(it->is_required);
  CHECK(it->range_text() == "> 0");
}
