// divergence_stop: end a trial once its smoothed training loss has blown up, as fastai's LRFinder
// does (fastai.callback.schedule.LRFinder.after_batch, stop_div=True). After every step, with the
// train loss of that step's batch (smoothed_loss.hpp holds the arithmetic, shared with find-lr):
//   avg = smooth * avg + (1 - smooth) * loss;   smoothed = avg / (1 - smooth^(t+1))
//   smoothed > diverge * min(smoothed so far):  stop (status stopped_early)
// The stop of the learning-rate range test (`lrlab find-lr`, the range_test schedule), and a cheap
// guard in any sweep: a rate far too large ends its trial within a few steps of blowing up instead
// of running its whole budget.
#include <lrlab/sdk.hpp>

namespace lrlab::validation {
namespace {

class DivergenceStop final : public Policy {
 public:
  DivergenceStop(double smooth, double diverge) : watch_(smooth, diverge) {}

  void after_step(const StepInfo& info, PolicyControl& ctl) override {
    const DivergenceWatch::Reading r = watch_.add(info.loss);
    if (r.minimum_at == watch_steps_) minimum_step_ = info.step;  // the trial's step of the minimum
    ++watch_steps_;
    if (!r.diverged) return;
    ctl.stop("smoothed train loss " + message_number(r.smoothed) + " at step " + std::to_string(info.step) + " (lr " +
             message_number(info.lr) + ") is more than " + message_number(watch_.diverge()) + " x its minimum " +
             message_number(r.minimum) + " (step " + std::to_string(minimum_step_) + "): diverging; stopping");
  }

  void persist(StateArchive& a) override { a(watch_, watch_steps_, minimum_step_); }

 private:
  DivergenceWatch watch_;
  std::int64_t watch_steps_ = 0;   // steps seen (the watch counts from 0; a trial's steps may not)
  std::int64_t minimum_step_ = 0;  // the trial's step at which the smoothed loss was smallest
};

}  // namespace

void register_divergence_stop(Registry& r) {
  r.add_policy(
      {.name = "divergence_stop",
       .summary = "stop the trial when its smoothed training loss exceeds `diverge` times its minimum so far",
       .formula = "avg = smooth * avg + (1 - smooth) * loss; smoothed_t = avg / (1 - smooth^(t+1)); stop when smoothed_t "
                  "> diverge * min(smoothed_0 .. smoothed_t)",
       .source = "fastai.callback.schedule.LRFinder (stop_div) with fastai.learner.AvgSmoothLoss",
       .notes = "Watches the train loss of every step (no evaluations needed) and ends the trial with status "
                "stopped_early; the event's message gives the smoothed loss, its minimum and their steps. The smoothing "
                "is an exponential moving average with the bias correction of Adam's moments, so the first smoothed "
                "value is the first loss itself. Meant for positive losses (cross-entropy, squared error): while the "
                "smallest smoothed loss is zero or negative it never stops. The stop of the learning-rate range test "
                "(lrlab find-lr, with the range_test schedule), and a guard against rates that blow up in any sweep.",
       .params = {Param::real("smooth", "beta of the moving average (0: no smoothing)").def(0.98).at_least(0).below(1),
                  Param::real("diverge", "stop when the smoothed loss exceeds this multiple of its minimum").def(4.0).above(1)},
       .example = Json::parse(R"({"type": "divergence_stop", "smooth": 0.98, "diverge": 4})")},
      [](const Params& p, const PolicyContext&) -> PolicyPtr {
        return std::make_unique<DivergenceStop>(p.real("smooth"), p.real("diverge"));
      });
}

}  // namespace lrlab::validation
