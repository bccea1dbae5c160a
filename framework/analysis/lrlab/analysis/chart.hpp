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
  bool events = false;                     // with points: open black triangles, for policy actions
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

// How a panel's y axis shows its lines (the marks are left out), chosen robustly:
// - log when at most 10% of the values are zero or negative (those are left out on a log axis)
//   and the positive ones, their extreme 1% at either end set aside, span more than a factor of
//   30: a loss that touches 0 once, or one diverged trial, no longer forces a linear axis;
// - the visible range: every line whole, unless some lines alone stretch it (a rate decayed to
//   1e-108 beside three at 0.01, 0.009 and 0.0081; a loss that diverged to 7e10): a line whose
//   removal shrinks the range to a quarter or less is set aside, a third of the lines at most,
//   and drawn off the edge; within a line of 50 values or more its extreme 1% is set aside too.
//   With `tail`, the values of the last half of the x range only (an accuracy that starts at 0.1
//   and ends between 0.97 and 0.99 is shown between those);
// - `force_log`: "on" or "off" overrides the choice of log ("auto": as above).
// Sets p.log_y and p.y_range, and returns a note for the panel's title ("" when all values show).
std::string choose_y_axis(Panel& p, const std::string& force_log = "auto", bool tail = false);

}  // namespace lrlab::analysis
