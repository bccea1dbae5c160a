#pragma once
// Monitor: the evaluation metric a policy watches, which direction is better, and how much better
// counts as better. The rules of the Keras callbacks and of PyTorch's ReduceLROnPlateau, written
// once for every policy that watches a metric. With d the monitor's delta (>= 0):
//   Rule::keras     x improves on ref iff  min: x + d < ref          max: x - d > ref
//                   (keras.callbacks.EarlyStopping._is_improvement, Keras's min_delta)
//   Rule::absolute                          min: x < ref - d          max: x > ref + d
//   Rule::relative                          min: x < ref * (1 - d)    max: x > ref * (1 + d)
//                   (torch.optim.lr_scheduler.ReduceLROnPlateau, threshold_mode "abs" / "rel")
// keras and absolute are the same test in exact arithmetic but not always in floating point:
// each policy keeps the rule of the library it reproduces, so that its decisions keep their bits.
//
// Mode "auto" picks the direction from the name, as Keras does for its built-in metrics: names
// ending in "loss" (val_loss) are minimised, names containing "acc" (val_accuracy) maximised; any
// other name needs an explicit mode (a ParamError on `mode`, so the spec is refused before it runs).
//
//   Monitor m = Monitor::from(params);                  // "monitor", "mode", "min_delta"
//   const double x = m.value(info, "my_policy");        // throws, naming the metrics there are
//   if (m.improves(x, best_)) best_ = x;                // std::optional: anything beats no best
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "errors.hpp"
#include "param.hpp"
#include "params.hpp"
#include "policy.hpp"

namespace lrlab {

class Monitor {
 public:
  enum class Rule { keras, absolute, relative };

  // `mode`: "min", "max" or "auto". Throws ParamError("mode") when "auto" cannot tell.
  Monitor(std::string metric, const std::string& mode, double delta = 0.0, Rule rule = Rule::keras)
      : metric_(std::move(metric)), maximize_(resolve_mode(metric_, mode)), delta_(delta), rule_(rule) {}

  // The Keras form from a policy's parameters "monitor", "mode" and "min_delta" (declare them with
  // metric_param(), mode_param() and a real "min_delta").
  static Monitor from(const Params& p) { return Monitor(p.string("monitor"), p.string("mode"), p.real("min_delta")); }

  // The monitored value of this evaluation. A missing metric is a configuration error, not a silent
  // "no improvement": the message names the policy, the metric and the metrics the task reported.
  double value(const EvalInfo& info, const std::string& policy) const {
    const auto v = info.metrics.get(metric_);
    if (!v) {
      std::string have;
      for (const auto& [name, x] : info.metrics.values) have += (have.empty() ? "" : ", ") + name;
      throw std::runtime_error(policy + ": the evaluation has no metric `" + metric_ + "` to monitor (it has: " +
                               (have.empty() ? "none" : have) + ")");
    }
    return *v;
  }

  // Does `x` improve on `ref`, by the monitor's rule? NaN improves on nothing.
  bool improves(double x, double ref) const {
    switch (rule_) {
      case Rule::keras: return maximize_ ? x - delta_ > ref : x + delta_ < ref;
      case Rule::absolute: return maximize_ ? x > ref + delta_ : x < ref - delta_;
      case Rule::relative: return maximize_ ? x > ref * (1.0 + delta_) : x < ref * (1.0 - delta_);
    }
    return false;
  }
  // The same, where there may be no reference yet: anything improves on none.
  bool improves(double x, std::optional<double> ref) const { return !ref || improves(x, *ref); }

  // Is `x` worse than `ref` by more than `tolerance` (in the metric's own units)?
  bool worse(double x, double ref, double tolerance) const {
    return maximize_ ? x < ref - tolerance : x > ref + tolerance;
  }

  const std::string& metric() const { return metric_; }
  bool maximize() const { return maximize_; }
  double delta() const { return delta_; }
  Rule rule() const { return rule_; }

  // The declarations every monitoring policy shares.
  static Param metric_param() { return Param::string("monitor", "the evaluation metric to watch").def("val_loss"); }
  static Param mode_param() {
    return Param::string("mode", "min | max: which direction is better; auto: from the metric's name")
        .def("auto")
        .one_of({"auto", "min", "max"});
  }

 private:
  static bool resolve_mode(const std::string& metric, const std::string& mode) {
    if (mode == "min") return false;
    if (mode == "max") return true;
    const bool loss = metric.size() >= 4 && metric.compare(metric.size() - 4, 4, "loss") == 0;
    if (loss) return false;
    if (metric.find("acc") != std::string::npos) return true;
    throw ParamError("mode", "Argument `mode` is \"auto\" but the direction of `" + metric +
                                 "` is unknown: give mode \"min\" or \"max\". Received: monitor=" + metric);
  }

  std::string metric_;
  bool maximize_;
  double delta_;
  Rule rule_;
};

}  // namespace lrlab
