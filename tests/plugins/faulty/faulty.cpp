// faulty: a quadratic task that throws std::runtime_error at step `throw_at_step`, or crashes
// (SIGSEGV) at step `crash_at_step` (never if < 0), standing in for a plugin with a bug that shows
// only in some trials.
#include <signal.h>

#include <stdexcept>

#include <lrlab/sdk.hpp>

namespace {
class Faulty final : public lrlab::Task {
 public:
  Faulty(std::int64_t at, std::int64_t crash) : at_(at), crash_(crash) {}
  std::size_t dimension() const override { return 2; }
  std::int64_t steps_per_epoch() const override { return 10; }
  void initialize(std::span<double> x) override { x[0] = x[1] = 1.0; }
  double loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> g) override {
    if (step == at_) throw std::runtime_error("faulty task: deliberate failure at step " + std::to_string(step));
    if (step == crash_) raise(SIGSEGV);
    g[0] = x[0];
    g[1] = x[1];
    return 0.5 * (x[0] * x[0] + x[1] * x[1]);
  }
  lrlab::Metrics evaluate(std::span<const double> x) override {
    lrlab::Metrics m;
    m.set("val_loss", 0.5 * (x[0] * x[0] + x[1] * x[1]));
    return m;
  }

 private:
  std::int64_t at_, crash_;
};
}  // namespace

LRLAB_PLUGIN(faulty, "0.0.1") {
  registry.add_task({.name = "faulty",
                     .summary = "test only: throws at a chosen step",
                     .formula = "f(x) = |x|^2 / 2",
                     .source = "lrlab tests",
                     .params = {lrlab::Param::integer("throw_at_step", "step that throws; < 0: never").def(-1),
                                lrlab::Param::integer("crash_at_step", "step that crashes the process; < 0: never").def(-1)},
                     .example = lrlab::Json{{"type", "faulty"}}},
                    [](const lrlab::Params& p, const lrlab::TaskContext&) -> lrlab::TaskPtr {
                      return std::make_unique<Faulty>(p.integer("throw_at_step"), p.integer("crash_at_step"));
                    });
}
