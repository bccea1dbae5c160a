// statistical_plateau: dlib's dnn_trainer rule for shrinking the learning rate (dlib/dnn/trainer.h).
//
// Keep the last `window` training losses. After each step add `checks_per_window` to a budget; when
// the budget exceeds `window`, reset it and test (so the test runs about checks_per_window times per
// window of steps, whatever its length):
//   n  = steps without decrease of the kept losses         (least-squares slope test, probability p)
//   if n >= window:  n' = the same with the top `discard` fraction of the losses ignored
//   if n' >= window: lr <- max(lr * factor, min_lr), and drop the oldest dump_amount + window/10
//                    losses, so the next reduction needs fresh evidence.
// Unlike reduce_on_plateau it needs no evaluations: it reads the noisy per-batch training loss and
// asks whether a downward trend is still statistically visible in it.
#include <algorithm>
#include <deque>

#include <lrlab/sdk.hpp>

#include "running_gradient.hpp"
#include "steps_without_decrease.hpp"

namespace lrlab::plateau {
namespace {

class StatisticalPlateau final : public Policy {
 public:
  struct Config {
    std::size_t window;
    double factor;
    double probability_of_decrease;
    double discard;
    std::size_t dump_amount;
    std::size_t checks_per_window;
    double min_lr;
  };

  explicit StatisticalPlateau(Config c) : c_(c) {}

  void after_step(const StepInfo& info, PolicyControl& ctl) override {
    losses_.push_back(info.loss);
    while (losses_.size() > c_.window) losses_.pop_front();
    budget_ += c_.checks_per_window;
    if (budget_ <= c_.window) return;
    budget_ = 0;
    const std::size_t plain = steps_without_decrease(losses_, c_.probability_of_decrease);
    if (plain < c_.window) return;
    const std::size_t robust = steps_without_decrease_robust(losses_, c_.probability_of_decrease, c_.discard);
    if (robust < c_.window) return;
    shrink(plain, robust, ctl);
    const std::size_t drop = std::min(losses_.size(), c_.dump_amount + c_.window / 10);
    losses_.erase(losses_.begin(), losses_.begin() + static_cast<std::ptrdiff_t>(drop));
  }

  void persist(StateArchive& a) override { a(losses_, budget_); }

 private:
  void shrink(std::size_t plain, std::size_t robust, PolicyControl& ctl) const {
    RunningGradient g;
    for (double v : losses_) g.add(v);
    const double old_lr = ctl.lr();
    const double new_lr = std::max(old_lr * c_.factor, c_.min_lr);
    const std::string reason =
        "train loss not decreasing over the last " + std::to_string(c_.window) + " steps: slope " + message_number(g.slope()) +
        " +- " + message_number(g.standard_error()) + " per step, P(decreasing) = " + message_number(g.probability_slope_below(0.0)) +
        " < " + message_number(c_.probability_of_decrease) + "; steps without decrease " + std::to_string(plain) + ", " +
        std::to_string(robust) + " with the top " + message_number(100.0 * c_.discard) + "% of losses dropped; lr " + message_number(old_lr) +
        " -> " + message_number(new_lr);
    if (new_lr >= old_lr) {
      ctl.note("reduce_skipped", reason + " (already at min_lr " + message_number(c_.min_lr) + ")");
    } else if (new_lr == old_lr * c_.factor) {
      ctl.scale(c_.factor, "reduce", reason);
    } else {
      ctl.set_lr(new_lr, "reduce", reason + " (min_lr)");
    }
  }

  Config c_;
  std::deque<double> losses_;
  std::size_t budget_ = 0;
};

PolicyPtr make_statistical_plateau(const Params& p, const PolicyContext&) {
  return std::make_unique<StatisticalPlateau>(StatisticalPlateau::Config{
      .window = static_cast<std::size_t>(p.integer("window")),
      .factor = p.real("factor"),
      .probability_of_decrease = p.real("probability_of_decrease"),
      .discard = p.real("discard"),
      .dump_amount = static_cast<std::size_t>(p.integer("dump_amount")),
      .checks_per_window = static_cast<std::size_t>(p.integer("checks_per_window")),
      .min_lr = p.real("min_lr")});
}

}  // namespace

void register_statistical_plateau(Registry& r) {
  r.add_policy(
      {.name = "statistical_plateau",
       .summary = "shrink the rate when a least-squares test finds no downward trend in the last `window` train losses",
       .formula = "every ~window/checks_per_window steps: n = steps without decrease (P(slope < 0) < "
                  "probability_of_decrease) of the last `window` losses; if n >= window and again with the top `discard` "
                  "fraction dropped: lr <- max(lr*factor, min_lr) and forget the oldest dump_amount + window/10 losses",
       .source = "dlib dnn_trainer (dlib/dnn/trainer.h) with running_gradient, count_steps_without_decrease and "
                 "count_steps_without_decrease_robust (dlib/statistics/running_gradient.h)",
       .notes = "Reads the per-batch training loss, so it needs no evaluations. Nothing can happen before `window` "
                "steps. The event message carries the slope, its standard error and P(decreasing) over the window. "
                "dlib's defaults are window 2000, factor 0.1.",
       .params = {Param::integer("window", "steps of training loss examined (dlib: iterations_without_progress_threshold)")
                      .def(2000)
                      .at_least(3),
                  Param::real("factor", "multiplier of the rate at each reduction (dlib: learning_rate_shrink_factor)")
                      .def(0.1)
                      .above(0)
                      .below(1),
                  Param::real("probability_of_decrease", "confidence below which the loss counts as not decreasing")
                      .def(0.51)
                      .above(0.5)
                      .below(1),
                  Param::real("discard", "fraction of the largest losses ignored by the robust re-check").def(0.1).at_least(0).below(1),
                  Param::integer("dump_amount", "oldest losses forgotten after a reduction, besides window/10")
                      .def(400)
                      .at_least(0),
                  Param::integer("checks_per_window", "how many times per `window` steps the test runs").def(200).at_least(1),
                  Param::real("min_lr", "lower bound of the rate a reduction produces").def(0.0).at_least(0)},
       .example = Json::parse(R"({"type": "statistical_plateau", "window": 500, "factor": 0.1})")},
      make_statistical_plateau);
}

}  // namespace lrlab::plateau
