#pragma once
// Rates suggested from a learning-rate range test's curve (`lrlab find-lr`): fastai's rules
// (fastai/callback/schedule.py: valley, steep, minimum, and the points lr_find gives them), pure
// functions of the curve, each named:
//
//   valley      the default. The longest run of strictly decreasing smoothed losses (a longest
//               decreasing subsequence, O(n^2)); the rate at about half-way along it
//               (start + floor(len/3) + floor(len/6), fastai's index, with its Python quirk: an
//               index of -1 is the last point).
//   steepest    the rate at the start of the interval where the smoothed loss falls fastest
//               against the log of the rate: argmin over i of (s[i+1] - s[i]) / (ln lr[i+1] - ln lr[i])
//               (fastai's `steep`).
//   minimum/10  a tenth of the rate at the smallest smoothed loss (fastai's `minimum`).
//
// Every rule sees the window fastai's lr_find gives it: the points from index floor(steps / 10)
// (of the steps asked for, however many ran) up to the fifth-last recorded, cut before the first
// smoothed loss that is not finite. The losses are the smoothed ones (smoothed_loss.hpp), as the
// divergence stop saw them. Ties go to the first point, as numpy's and torch's argmin do.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lrlab::analysis {

// The rules, the default first.
const std::vector<std::string>& lr_find_rules();
inline const std::string default_lr_find_rule = "valley";

// One trial's range test, in step order: every step recorded.
struct LrCurve {
  std::vector<std::int64_t> steps;
  std::vector<double> lrs, losses;  // a NaN loss where the steps table has NULL
  std::vector<double> smoothed;     // smoothed_losses(losses, beta)
};

// The smoothed losses of consecutive steps, as divergence_stop computed them (SmoothedLoss).
std::vector<double> smoothed_losses(const std::vector<double>& losses, double beta);

// The half-open range [begin, end) of curve indices the rules look at.
struct Window {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end > begin ? end - begin : 0; }
};
Window suggestion_window(const LrCurve& curve, std::int64_t steps_asked);

// What a rule picked: the index of a point of the rates and losses it was given, and the rate it
// suggests (that point's rate, or a tenth of it for minimum/10). Empty when the points cannot
// give one (too few of them).
struct Pick {
  std::size_t index = 0;
  double learning_rate = 0;
};
std::optional<Pick> valley(const std::vector<double>& lrs, const std::vector<double>& losses);
std::optional<Pick> steepest(const std::vector<double>& lrs, const std::vector<double>& losses);
std::optional<Pick> minimum_tenth(const std::vector<double>& lrs, const std::vector<double>& losses);
// The rule of that name (one of lr_find_rules()); throws std::invalid_argument for another name.
std::optional<Pick> apply_rule(const std::string& rule, const std::vector<double>& lrs, const std::vector<double>& losses);

// Every rule on a curve's window; a pick's index is an index of the whole curve.
struct RuleResult {
  std::string rule;
  std::optional<Pick> pick;
};
std::vector<RuleResult> suggest(const LrCurve& curve, std::int64_t steps_asked);

// The spread of one rule's rates over repeats. The median of an even count is the geometric mean
// of the two middle rates (the midpoint on the log scale the rates live on).
struct Spread {
  double median = 0, min = 0, max = 0;
  std::size_t n = 0;
};
std::optional<Spread> spread(std::vector<double> rates);

}  // namespace lrlab::analysis
