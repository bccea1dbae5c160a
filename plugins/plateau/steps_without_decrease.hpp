#pragma once
// How long has a sequence of losses not been decreasing? After dlib's count_steps_without_decrease
// and count_steps_without_decrease_robust (dlib/statistics/running_gradient.h).
//
// Walking back from the newest value, fit the slope of the last j values for j = 3, 4, ...; the
// answer is the largest j for which the fit is not confident (probability < p) that the loss was
// decreasing over those j values. (Fitting the reversed sequence, "decreasing" is a positive slope.)
// The robust variant ignores the values above the (1 - discard) quantile, so that a few bad batches
// at the end cannot fake a plateau; it still counts them in j.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "running_gradient.hpp"

namespace lrlab::plateau {

inline std::size_t steps_without_decrease(const std::deque<double>& values, double probability_of_decrease,
                                          double ignore_above = std::numeric_limits<double>::infinity()) {
  RunningGradient g;
  std::size_t count = 0, j = 0;
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    ++j;
    if (*it <= ignore_above) g.add(*it);
    if (g.size() > 2 && g.probability_slope_above(0.0) < probability_of_decrease) count = j;
  }
  return count;
}

// The value at the upper `quantile` of `values` (dlib's find_upper_quantile: index
// round((n - 1) * (1 - quantile)) of the sorted values).
inline double upper_quantile(const std::deque<double>& values, double quantile) {
  std::vector<double> v(values.begin(), values.end());
  const auto idx = static_cast<std::size_t>(std::round(static_cast<double>(v.size() - 1) * (1.0 - quantile)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
  return v[idx];
}

inline std::size_t steps_without_decrease_robust(const std::deque<double>& values, double probability_of_decrease,
                                                 double discard) {
  if (values.empty()) return 0;
  return steps_without_decrease(values, probability_of_decrease, upper_quantile(values, discard));
}

}  // namespace lrlab::plateau
