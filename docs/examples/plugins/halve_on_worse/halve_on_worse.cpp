// halve_on_worse: after each evaluation, multiply the rate by `factor` when the monitored metric got worse
// than at the previous evaluation (a simple "bold driver" without the increase).
// A policy is per trial and may keep state (here the previous value); it never computes the rate
// itself but asks the core through PolicyControl, which applies the change and logs it as an event.
#include <memory>
#include <optional>
#include <string>

#include <lrlab/sdk.hpp>

namespace {

class HalveWhenWorse final : public lrlab::Policy {
 public:
  HalveWhenWorse(lrlab::Monitor monitor, double factor) : monitor_(std::move(monitor)), factor_(factor) {}

  void after_eval(const lrlab::EvalInfo& info, lrlab::PolicyControl& ctl) override {
    // The monitor throws, naming the metrics the task has, when the one asked for is missing.
    const double current = monitor_.value(info, "halve_on_worse");
    if (previous_ && monitor_.worse(current, *previous_, 0.0)) {
      const double lr = ctl.lr();
      // The message says why, with the numbers: it is stored in the events table.
      ctl.scale(factor_, "decrease", monitor_.metric() + " " + lrlab::message_number(*previous_) + " -> " +
                                         lrlab::message_number(current) + " got worse; lr " + lrlab::message_number(lr) +
                                         " -> " + lrlab::message_number(lr * factor_));
    }
    previous_ = current;
  }

  // The state that decides what comes next, for checkpoints: a trial paused here and resumed later
  // (or forked) gets it back and continues bit for bit.
  void persist(lrlab::StateArchive& a) override { a(previous_); }

 private:
  lrlab::Monitor monitor_;
  double factor_;
  std::optional<double> previous_;  // the metric at the previous evaluation: the policy's state
};

}  // namespace

void register_halve_on_worse(lrlab::Registry& registry) {
  registry.add_policy(
      {.name = "halve_on_worse",
       .summary = "multiply the rate by `factor` after an evaluation whose metric got worse",
       .formula = "x_k worse than x_{k-1}: lr <- lr * factor",
       .source = "the bold driver rule (Battiti 1989), decrease only",
       .notes = "The first evaluation only sets the reference. mode auto: metrics ending in loss are minimised, "
                "those containing acc maximised.",
       .params = {lrlab::Monitor::metric_param(), lrlab::Monitor::mode_param(),
                  lrlab::Param::real("factor", "multiplier when the metric got worse").def(0.5).above(0).below(1)},
       .example = lrlab::Json::parse(R"({"type": "halve_on_worse", "factor": 0.5})")},
      [](const lrlab::Params& p, const lrlab::PolicyContext&) -> lrlab::PolicyPtr {
        return std::make_unique<HalveWhenWorse>(lrlab::Monitor(p.string("monitor"), p.string("mode")), p.real("factor"));
      });
}

// The plugin's entry point: its name (the library is lrlab_halve_on_worse.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(halve_on_worse, "0.1.0", register_halve_on_worse);
