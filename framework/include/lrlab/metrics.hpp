#pragma once
// Metrics: named values from one evaluation, in the order the task reports them
// ("val_loss", "val_accuracy", ...). Stored long-format in the `evals` table.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lrlab {

struct Metrics {
  std::vector<std::pair<std::string, double>> values;

  void set(const std::string& name, double v) {
    for (auto& [n, x] : values)
      if (n == name) { x = v; return; }
    values.emplace_back(name, v);
  }
  std::optional<double> get(const std::string& name) const {
    for (const auto& [n, x] : values)
      if (n == name) return x;
    return std::nullopt;
  }
};

}  // namespace lrlab
