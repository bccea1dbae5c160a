#include "lrlab/analysis/chart.hpp"

#include <algorithm>
#include <limits>

namespace lrlab::analysis {

bool wants_log_y(const Panel& p) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const auto& c : p.curves)
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      if (!(c.low[i] > 0)) return false;
      lo = std::min(lo, c.low[i]);
      hi = std::max(hi, c.high[i]);
    }
  return hi > 0 && hi / lo > 30;
}

}  // namespace lrlab::analysis
