// backtracking: when an evaluation is worse than the best one so far, go back to the best
// parameters (with Adam's moments and step count) and continue from there with a smaller rate.
//
// After each evaluation, with `current` the monitored metric and `best` the best so far:
//   no best yet, or current improves on best by more than min_delta: best = current, save it
//   current worse than best, backtracks < max_backtracks:  restore best; lr <- lr * factor
//   otherwise: nothing (once max_backtracks is reached, a note says so, once)
// This is the validation-set form of the "backtracking on divergence" rule of many trainers (dlib's
// dnn_trainer reloads its last good state when the loss rises; Bengio, "Practical recommendations
// for gradient-based training", 2012, sec. 3.1): a rate too large for the current basin costs one
// evaluation period instead of the rest of the run.
#include <optional>

#include <lrlab/sdk.hpp>

namespace lrlab::validation {
namespace {

class Backtracking final : public Policy {
 public:
  Backtracking(Monitor m, double factor, std::int64_t max_backtracks)
      : m_(std::move(m)), factor_(factor), max_backtracks_(max_backtracks) {}

  void after_eval(const EvalInfo& info, PolicyControl& ctl) override {
    const double current = m_.value(info, "backtracking");
    if (m_.improves(current, best_ ? std::optional(best_->value) : std::nullopt)) {
      best_ = Best{current, info.step};
      ctl.save_best();
      return;
    }
    if (!m_.worse(current, best_->value, 0.0)) return;
    const std::string what = m_.metric() + " " + message_number(current) + " is worse than best " + message_number(best_->value) +
                             " (step " + std::to_string(best_->step) + ")";
    if (backtracks_ >= max_backtracks_) {
      if (!limit_noted_) ctl.note("limit", what + "; max_backtracks " + std::to_string(max_backtracks_) +
                                               " reached: no more backtracking");
      limit_noted_ = true;
      return;
    }
    ++backtracks_;
    const std::string count = " (backtrack " + std::to_string(backtracks_) + " of " + std::to_string(max_backtracks_) + ")";
    ctl.restore_best(what + "; back to the parameters and Adam state of step " + std::to_string(best_->step) + count);
    const double old_lr = ctl.lr();
    ctl.scale(factor_, "backtrack", what + count + "; lr " + message_number(old_lr) + " -> " + message_number(old_lr * factor_));
  }

  void persist(StateArchive& a) override { a(backtracks_, limit_noted_, best_); }

 private:
  struct Best {
    double value;
    std::int64_t step;
    void persist(StateArchive& a) { a(value, step); }
  };
  Monitor m_;
  double factor_;
  std::int64_t max_backtracks_;
  std::int64_t backtracks_ = 0;
  bool limit_noted_ = false;
  std::optional<Best> best_;
};

PolicyPtr make_backtracking(const Params& p, const PolicyContext&) {
  return std::make_unique<Backtracking>(Monitor::from(p),
                                        p.real("factor"), p.integer("max_backtracks"));
}

}  // namespace

void register_backtracking(Registry& r) {
  r.add_policy(
      {.name = "backtracking",
       .summary = "when the metric gets worse than the best, restore the best parameters and Adam state and shrink the rate",
       .formula = "new best (improves by > min_delta): save parameters; current worse than best: restore the saved "
                  "parameters and Adam state, lr <- lr * factor (at most max_backtracks times)",
       .source = "backtracking on a worse validation loss, as in dlib's dnn_trainer state reload; Bengio 2012, "
                 "'Practical recommendations for gradient-based training of deep architectures'",
       .notes = "The first evaluation is the first best. An evaluation between best - min_delta and best (neither a new "
                "best nor worse) does nothing. Restoring also restores Adam's moments and step count.",
       .params = {Monitor::metric_param(), Monitor::mode_param(),
                  Param::real("min_delta", "improvement needed for a new best").def(0.0).at_least(0),
                  Param::real("factor", "multiplier of the rate at each backtrack").def(0.5).above(0).below(1),
                  Param::integer("max_backtracks", "backtracks allowed in one trial").def(10).at_least(0)},
       .example = Json::parse(R"({"type": "backtracking", "factor": 0.5, "max_backtracks": 5})")},
      make_backtracking);
}

}  // namespace lrlab::validation
