#pragma once
// What a chart shows, before anything draws it: panels one under the other, each with lines that
// carry a band (the spread over repeats; as wide as the line itself for a single trial).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lrlab::analysis {

struct Curve {
  std::string label;
  std::vector<double> x, mean, low, high;  // low/high: the band over repeats (equal to mean for one trial)
  bool points = false;                     // marks at (x, mean) instead of a line and its band
  bool crosses = false;                    // with points: black crosses, for events on other curves (prunings)
};

struct Panel {
  std::string title, y_label;
  std::string x_label = "step";
  bool log_y = false;
  bool log_x = false;
  std::optional<std::pair<double, double>> y_range;  // the visible values (default: all of them)
  std::vector<Curve> curves;
};

// Whether the panel's values are all positive and span more than a factor of 30 (rates of
// decaying schedules, losses): then a log axis shows them better.
bool wants_log_y(const Panel& p);

}  // namespace lrlab::analysis
