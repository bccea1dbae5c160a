#pragma once
// Monitor: which metric a validation policy watches and which direction is better, with Keras's
// comparison (keras.callbacks.EarlyStopping._is_improvement): with min_delta = d >= 0,
//   min: x improves on ref  iff  x + d < ref          max: x improves on ref  iff  x - d > ref
// "auto" picks the direction from the name, as Keras does for its built-in metrics: names ending in
// "loss" (val_loss) are minimised, names containing "acc" (val_accuracy) maximised; any other name
// needs an explicit mode.
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include <lrlab/sdk.hpp>

namespace lrlab::validation {

class Monitor {
 public:
  Monitor(std::string metric, const std::string& mode, double min_delta)
      : metric_(std::move(metric)), maximize_(resolve_mode(metric_, mode)), min_delta_(min_delta) {}

  // The monitored value of this evaluation; a missing metric is a configuration error, not a
  // silent "no improvement".
  double value(const EvalInfo& info, const std::string& policy) const {
    const auto v = info.metrics.get(metric_);
    if (!v) {
      std::string have;
      for (const auto& [name, x] : info.metrics.values) have += (have.empty() ? "" : ", ") + name;
      throw std::runtime_error(policy + ": the evaluation has no metric `" + metric_ + "` to monitor (it has: " + have + ")");
    }
    return *v;
  }

  // Does `x` improve on `ref` (by more than min_delta)? Anything improves on no reference.
  bool improves(double x, std::optional<double> ref) const {
    if (!ref) return true;
    return maximize_ ? x - min_delta_ > *ref : x + min_delta_ < *ref;
  }
  // Is `x` worse than `ref` by more than `tolerance`?
  bool worse(double x, double ref, double tolerance) const {
    return maximize_ ? x < ref - tolerance : x > ref + tolerance;
  }

  const std::string& metric() const { return metric_; }
  bool maximize() const { return maximize_; }
  double min_delta() const { return min_delta_; }
  const char* direction() const { return maximize_ ? "max" : "min"; }

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
  double min_delta_;
};

// The declarations every monitoring policy shares.
inline Param monitor_param() { return Param::string("monitor", "the evaluation metric to watch").def("val_loss"); }
inline Param mode_param() {
  return Param::string("mode", "min | max: which direction is better; auto: from the metric's name")
      .def("auto")
      .one_of({"auto", "min", "max"});
}

}  // namespace lrlab::validation
