// early_stopping: keras.callbacks.EarlyStopping (Keras 3), evaluation by evaluation.
//
// After each evaluation at or after `start_from_epoch`, with `current` the monitored metric:
//   (restore_best and nothing saved yet: save the current parameters as the best)
//   wait += 1
//   current improves on best (x + min_delta < best for min, x - min_delta > best for max):
//       best = current (saved when restore_best); wait = 0 unless a `baseline` is set and not beaten
//   otherwise, if wait >= patience and this is not the first evaluation: stop the trial
//       (status stopped_early), restoring the best parameters first when restore_best.
// Keras restores the best weights at the end of training even when it did not stop early; lrlab
// does the same at the evaluation that ends the budget. The core evaluates once more after a
// restore, so the trial's final metrics are those of the restored parameters.
#include <optional>

#include <lrlab/sdk.hpp>

namespace lrlab::validation {
namespace {

class EarlyStopping final : public Policy {
 public:
  struct Config {
    std::int64_t patience;
    std::optional<double> baseline;
    std::int64_t start_from_epoch;
    bool restore_best;
    std::int64_t total_steps;
  };

  EarlyStopping(Monitor m, Config c) : m_(std::move(m)), c_(c) {}

  void after_eval(const EvalInfo& info, PolicyControl& ctl) override {
    const double current = m_.value(info, "early_stopping");
    const bool first = evaluations_++ == 0;
    if (info.epoch < c_.start_from_epoch) return;
    if (c_.restore_best && !saved_) {
      ctl.save_best();  // Keras: "if best weights were never set, the current weights are the best"
      saved_ = Best{current, info.step, info.epoch};
    }
    ++wait_;
    if (m_.improves(current, best_ ? std::optional(best_->value) : std::nullopt)) {
      best_ = Best{current, info.step, info.epoch};
      if (c_.restore_best) {
        ctl.save_best();
        saved_ = best_;
      }
      if (!c_.baseline || m_.improves(current, c_.baseline)) wait_ = 0;
      return;
    }
    if (wait_ >= c_.patience && !first) {
      std::string reason = m_.metric() + " " + message_number(current) + " has not improved on best " + message_number(best_->value) +
                           " (epoch " + std::to_string(best_->epoch) + ") by more than min_delta " + message_number(m_.delta()) +
                           " for " + std::to_string(wait_) + " evaluations (patience " + std::to_string(c_.patience) + ")";
      if (c_.baseline && !m_.improves(best_->value, c_.baseline)) reason += ", nor beaten the baseline " + message_number(*c_.baseline);
      if (c_.restore_best) {
        ctl.restore_best(restore_text());
        ctl.stop(reason + "; stopping, final metrics are those of the restored best parameters");
      } else {
        ctl.stop(reason + "; stopping");
      }
      return;
    }
    // Keras's on_train_end restores the best weights even without an early stop: at the evaluation
    // of the budget's last step (never when the budget is unknown, 0: a torch loop that gave no
    // total_steps to lrlab.torch.Scheduler).
    if (c_.restore_best && c_.total_steps > 0 && info.step >= c_.total_steps && saved_->step != info.step)
      ctl.restore_best("end of training: " + restore_text() + " (" + m_.metric() + " now " + message_number(current) + ")");
  }

  void persist(StateArchive& a) override { a(best_, saved_, wait_, evaluations_); }

 private:
  struct Best {
    double value;
    std::int64_t step, epoch;
    void persist(StateArchive& a) { a(value, step, epoch); }
  };

  std::string restore_text() const {
    return "restoring the best parameters, from step " + std::to_string(saved_->step) + " (epoch " +
           std::to_string(saved_->epoch) + ", " + m_.metric() + " " + message_number(saved_->value) + ")";
  }

  Monitor m_;
  Config c_;
  std::optional<Best> best_, saved_;
  std::int64_t wait_ = 0;
  std::int64_t evaluations_ = 0;
};

PolicyPtr make_early_stopping(const Params& p, const PolicyContext& ctx) {
  Monitor m = Monitor::from(p);
  std::optional<double> baseline;
  if (p.has("baseline")) baseline = p.real("baseline");
  return std::make_unique<EarlyStopping>(
      std::move(m), EarlyStopping::Config{.patience = p.integer("patience"),
                                          .baseline = baseline,
                                          .start_from_epoch = p.integer("start_from_epoch"),
                                          .restore_best = p.boolean("restore_best"),
                                          .total_steps = ctx.total_steps});
}

}  // namespace

void register_early_stopping(Registry& r) {
  r.add_policy(
      {.name = "early_stopping",
       .summary = "stop the trial when the monitored metric has not improved for `patience` evaluations",
       .formula = "wait += 1 per evaluation from start_from_epoch on; improvement (x + min_delta < best, or x - min_delta "
                  "> best for max) sets best and wait = 0 (if baseline is beaten too); otherwise stop once wait >= "
                  "patience (never at the first evaluation), restoring the best parameters when restore_best",
       .source = "keras.callbacks.EarlyStopping (Keras 3), restore_best_weights spelled restore_best",
       .notes = "Ends the trial with status stopped_early. With restore_best the best parameters (and Adam's state) come "
                "back before the stop, and also at the last evaluation of the budget when it did not stop (as Keras's "
                "on_train_end does); the core then evaluates again, so final_val_loss is that of the best parameters. "
                "Keras never stops at epoch 0; lrlab never stops at the first evaluation (the same with "
                "{\"every_epochs\": 1}). start_from_epoch compares with the epoch of the evaluation.",
       .params = {Monitor::metric_param(), Monitor::mode_param(),
                  Param::real("min_delta", "smallest change that counts as an improvement").def(0.0).at_least(0),
                  Param::integer("patience", "evaluations without improvement before stopping").def(0).at_least(0),
                  Param::real("baseline", "a value to beat: wait is not reset until the metric beats it").optional_null(),
                  Param::integer("start_from_epoch", "evaluations before this epoch are ignored (warm-up)").def(0).at_least(0),
                  Param::boolean("restore_best", "restore the best parameters when stopping").def(false).alias(
                      "restore_best_weights")},
       .example = Json::parse(R"({"type": "early_stopping", "monitor": "val_loss", "patience": 5, "restore_best": true})")},
      make_early_stopping);
}

}  // namespace lrlab::validation
