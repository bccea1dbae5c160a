// reduce_on_plateau: torch.optim.lr_scheduler.ReduceLROnPlateau, decision for decision.
//
// After each evaluation, with `current` the monitored metric (PyTorch's step(metrics)):
//   better  = current < best * (1 - threshold)   (min, rel)     current < best - threshold  (min, abs)
//             current > best * (1 + threshold)   (max, rel)     current > best + threshold  (max, abs)
//   better ? (best = current, bad = 0) : bad += 1
//   if cooldown_counter > 0:  cooldown_counter -= 1, bad = 0        (bad evaluations in cooldown are ignored)
//   if bad > patience:        new = max(lr * factor, min_lr);  applied only if lr - new > eps;
//                             cooldown_counter = cooldown, bad = 0  (whether or not it was applied)
// `best` starts at +inf (min) or -inf (max). Everything counts evaluations, never steps.
//
// lr is the effective rate, schedule(t) x every policy's factor, so this composes with any schedule:
// a reduction multiplies this policy's factor by `factor`, and min_lr bounds the effective rate at the
// moment of the reduction (a decaying schedule may take it lower afterwards).
#include <algorithm>
#include <limits>
#include <string>

#include <lrlab/sdk.hpp>

namespace lrlab::plateau {
namespace {

class ReduceOnPlateau final : public Policy {
 public:
  struct Config {
    double factor;
    std::int64_t patience;
    std::int64_t cooldown;
    double min_lr;
    double eps;
  };

  // `m` compares with PyTorch's threshold: Monitor::Rule::relative or absolute, delta = threshold.
  ReduceOnPlateau(Monitor m, Config c)
      : m_(std::move(m)),
        c_(c),
        best_(m_.maximize() ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity()) {}

  void after_eval(const EvalInfo& info, PolicyControl& ctl) override {
    const double current = m_.value(info, "reduce_on_plateau");
    if (m_.improves(current, best_)) {
      best_ = current;
      bad_ = 0;
    } else {
      ++bad_;
    }
    if (cooldown_counter_ > 0) {
      --cooldown_counter_;
      bad_ = 0;
    }
    if (bad_ > c_.patience) {
      reduce(current, ctl);
      cooldown_counter_ = c_.cooldown;
      bad_ = 0;
    }
  }

  void persist(StateArchive& a) override { a(best_, bad_, cooldown_counter_); }

 private:
  void reduce(double current, PolicyControl& ctl) const {
    const double old_lr = ctl.lr();
    const double scaled = old_lr * c_.factor;
    const double new_lr = std::max(scaled, c_.min_lr);
    std::string reason = m_.metric() + " " + message_number(current) + " did not improve on best " + message_number(best_) + " (" +
                         (m_.rule() == Monitor::Rule::relative ? "rel" : "abs") + " threshold " + message_number(m_.delta()) +
                         ") for " + std::to_string(bad_) + " evaluations (patience " + std::to_string(c_.patience) + ")";
    if (!(old_lr - new_lr > c_.eps)) {
      // PyTorch skips a reduction smaller than eps (typically: already at min_lr) but still
      // starts the cooldown; say so, since nothing else in the database would show it.
      ctl.note("reduce_skipped", reason + "; lr " + message_number(old_lr) + " -> " + message_number(new_lr) + " is a change of at most eps " +
                                     message_number(c_.eps) + (new_lr == c_.min_lr ? " (min_lr " + message_number(c_.min_lr) + ")" : "") +
                                     ": lr left unchanged");
      return;
    }
    reason += "; lr " + message_number(old_lr) + " -> " + message_number(new_lr);
    if (new_lr == scaled) {
      ctl.scale(c_.factor, "reduce", reason);
    } else {
      ctl.set_lr(new_lr, "reduce", reason + " (min_lr)");
    }
  }

  Monitor m_;
  Config c_;
  double best_;
  std::int64_t bad_ = 0;
  std::int64_t cooldown_counter_ = 0;
};

PolicyPtr make_reduce_on_plateau(const Params& p, const PolicyContext&) {
  double threshold = p.real("threshold");
  bool relative = p.string("threshold_mode") == "rel";
  if (p.has("min_delta")) {
    // Keras's min_delta is an absolute threshold: it stands for threshold + threshold_mode "abs", so
    // it cannot be combined with either of them.
    if (p.given("threshold") || p.given("threshold_mode"))
      throw ParamError("min_delta",
                       "Argument `min_delta` (Keras: an absolute threshold) replaces `threshold` and `threshold_mode`: give "
                       "either min_delta or threshold/threshold_mode. Received: min_delta=" + message_number(p.real("min_delta")) +
                           ", threshold=" + message_number(threshold) + ", threshold_mode=" + p.string("threshold_mode"));
    threshold = p.real("min_delta");
    relative = false;
  }
  Monitor m(p.string("monitor"), p.string("mode"), threshold, relative ? Monitor::Rule::relative : Monitor::Rule::absolute);
  return std::make_unique<ReduceOnPlateau>(
      std::move(m), ReduceOnPlateau::Config{.factor = p.real("factor"),
                                            .patience = p.integer("patience"),
                                            .cooldown = p.integer("cooldown"),
                                            .min_lr = p.real("min_lr"),
                                            .eps = p.real("eps")});
}

}  // namespace

void register_reduce_on_plateau(Registry& r) {
  r.add_policy(
      {.name = "reduce_on_plateau",
       .summary = "multiply the rate by `factor` when the monitored metric stops improving for `patience` evaluations",
       .formula = "better: x < best*(1-threshold) [min,rel] | x < best-threshold [min,abs] | x > best*(1+threshold) "
                  "[max,rel] | x > best+threshold [max,abs]; after more than `patience` evaluations that are not "
                  "better (none counted during `cooldown` evaluations after a reduction): "
                  "lr <- max(lr*factor, min_lr), skipped if lr - new_lr <= eps",
       .source = "torch.optim.lr_scheduler.ReduceLROnPlateau (PyTorch 2.x), with Keras's spelling min_delta",
       .notes = "Counts evaluations, not steps: with {\"every_epochs\": 1} that is PyTorch's epochs. lr is the effective "
                "rate schedule(t) x policy factors, so it composes with any schedule; min_lr bounds the rate at the "
                "moment of a reduction. PyTorch reduces after patience + 1 bad evaluations; Keras's ReduceLROnPlateau "
                "reduces one evaluation earlier (wait >= patience): to reproduce Keras, use patience - 1. `min_delta` "
                "(Keras) is an absolute threshold and means threshold: min_delta with threshold_mode: abs.",
       .params = {Monitor::metric_param(),
                  Param::string("mode", "min: reduce when the metric stops decreasing; max: stops increasing")
                      .def("min")
                      .one_of({"min", "max"}),
                  Param::real("factor", "multiplier of the rate at each reduction").def(0.1).above(0).below(1),
                  Param::integer("patience", "bad evaluations tolerated; the next one reduces").def(10).at_least(0),
                  Param::real("threshold", "how much better counts as better (see threshold_mode)").def(1e-4).at_least(0),
                  Param::string("threshold_mode", "rel: relative to best; abs: absolute").def("rel").one_of({"rel", "abs"}),
                  Param::real("min_delta", "Keras's name: an absolute threshold (threshold_mode abs)").at_least(0),
                  Param::integer("cooldown", "evaluations after a reduction during which bad ones are not counted")
                      .def(0)
                      .at_least(0),
                  Param::real("min_lr", "lower bound of the rate a reduction produces").def(0.0).at_least(0),
                  Param::real("eps", "reductions changing the rate by at most eps are skipped").def(1e-8).at_least(0)},
       .example = Json::parse(R"({"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 2})")},
      make_reduce_on_plateau);
}

}  // namespace lrlab::plateau
