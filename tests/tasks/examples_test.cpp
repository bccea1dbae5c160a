// Every task's `describe` example is a working task block for a spec in experiments/: it builds,
// starts from finite parameters, and gives a finite loss, gradient and val_loss.
#include <cmath>

#include "task_helpers.hpp"

using namespace lrlab::test;

TEST_CASE("examples: every task's example trains from a spec in experiments/", "[examples]") {
  const auto experiments = std::filesystem::path(LRLAB_SOURCE_DIR) / "experiments";
  std::size_t tasks = 0;
  for (const lrlab::ComponentInfo* c : static_catalog().components()) {
    if (c->kind != lrlab::Kind::task) continue;
    ++tasks;
    CAPTURE(c->name, c->example.dump());
    lrlab::SharedData shared;
    auto task = make_task(c->example, shared, 1, 2, experiments);
    std::vector<double> x(task->dimension()), g(x.size());
    task->initialize(x);
    const double loss = task->loss_and_gradient(0, x, g);
    CHECK(std::isfinite(loss));
    CHECK(std::all_of(g.begin(), g.end(), [](double v) { return std::isfinite(v); }));
    CHECK(std::isfinite(task->evaluate(x).get("val_loss").value()));
  }
  CHECK(tasks >= 6);
}

TEST_CASE("examples: every task continues bit for bit from a checkpoint loaded into a fresh task", "[examples][checkpoint]") {
  const auto experiments = std::filesystem::path(LRLAB_SOURCE_DIR) / "experiments";
  for (const lrlab::ComponentInfo* c : static_catalog().components()) {
    if (c->kind != lrlab::Kind::task) continue;
    CAPTURE(c->name, c->example.dump());
    lrlab::SharedData shared;
    // Across an epoch boundary of the data tasks (their steps_per_epoch is small enough here).
    const auto spe = make_task(c->example, shared, 11, 7, experiments)->steps_per_epoch();
    const std::int64_t split = spe > 1 ? spe - 1 : 3;
    require_task_resumes_exactly(c->example, split, split + 4, shared, experiments);
  }
}
