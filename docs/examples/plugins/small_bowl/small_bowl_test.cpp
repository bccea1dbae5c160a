// Tests of small_bowl, with the plugin linked into this binary (small_bowl_plugin_objects).
#include <lrlab/catch2.hpp>

#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(small_bowl);

namespace {

lrlab::TaskPtr make(lrlab::SharedData& shared, std::uint64_t seed, std::int64_t dimension = 3) {
  lrlab::Registry r;
  lrlab_plugin_register_small_bowl(r);
  REQUIRE(r.components().size() == 1);
  lrlab::TaskContext ctx;
  ctx.seed = seed;
  ctx.experiment_seed = 7;
  ctx.shared = &shared;
  return r.components().front().make_task(lrlab::Params({{"dimension", dimension}, {"steps_per_epoch", 10}}), ctx);
}

}  // namespace

TEST_CASE("small_bowl's gradient matches central differences") {
  lrlab::SharedData shared;
  auto task = make(shared, 1);
  std::vector<double> x(task->dimension()), g(x.size()), unused(x.size());
  task->initialize(x);
  task->loss_and_gradient(0, x, g);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = 1e-6;
    auto plus = x, minus = x;
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (task->loss_and_gradient(0, plus, unused) - task->loss_and_gradient(0, minus, unused)) / (2 * h);
    CHECK(g[i] == Approx(numeric).epsilon(1e-6));
  }
}

TEST_CASE("small_bowl starts from the trial seed: same seed, same start; another seed, another start") {
  lrlab::SharedData shared;
  std::vector<double> a(3), b(3), c(3);
  make(shared, 1)->initialize(a);
  make(shared, 1)->initialize(b);
  make(shared, 2)->initialize(c);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("small_bowl makes its problem once per sweep and shares it between trials") {
  lrlab::SharedData shared;
  auto one = make(shared, 1);
  auto two = make(shared, 2);
  CHECK(shared.size() == 1);
  // The same problem: both trials see the same loss at the same point.
  std::vector<double> x(3, 0.5), g(3);
  CHECK(one->loss_and_gradient(0, x, g) == two->loss_and_gradient(0, x, g));
  make(shared, 1, 4);
  CHECK(shared.size() == 2);  // another dimension is another problem
}
