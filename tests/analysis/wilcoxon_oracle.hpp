#pragma once
// The exact two-sided Wilcoxon signed-rank p-value, computed the slow obvious way for tests: list
// all 2^n sign patterns of the ranks (zeros dropped, tied |d| sharing their average rank) and
// return 2·min(P(W+ >= w), P(W+ <= w)), at most 1; with `greater`, the one-sided P(W+ >= w). A second implementation to check
// stats::wilcoxon_signed_rank against, not a copy of it.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace lrlab::test {

inline double wilcoxon_by_enumeration(std::vector<double> d, bool greater = false) {
  d.erase(std::remove(d.begin(), d.end(), 0.0), d.end());
  const std::size_t n = d.size();
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n; ++i) {
    double below = 0, tied = 0;
    for (std::size_t j = 0; j < n; ++j) {
      below += std::fabs(d[j]) < std::fabs(d[i]);
      tied += std::fabs(d[j]) == std::fabs(d[i]);
    }
    rank[i] = below + (tied + 1) / 2;
  }
  double w = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (d[i] > 0) w += rank[i];
  double at_least = 0, at_most = 0;
  for (std::size_t pattern = 0; pattern < (std::size_t{1} << n); ++pattern) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (pattern >> i & 1) s += rank[i];
    at_least += s >= w;
    at_most += s <= w;
  }
  const double patterns = static_cast<double>(std::size_t{1} << n);
  if (greater) return at_least / patterns;
  return std::min(1.0, 2 * std::min(at_least, at_most) / patterns);
}

}  // namespace lrlab::test
