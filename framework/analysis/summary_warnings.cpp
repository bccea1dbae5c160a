// summary_warnings(): what in a ranking a reader should distrust (summary_table.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "lrlab/analysis/summary_table.hpp"

namespace lrlab::analysis {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// The smallest m <= 10000 with every value a whole multiple of 1/m (to 1e-9 relative), or 0. An
// accuracy over 113 validation examples is k/113; a loss almost never is: with 2 or more distinct
// values, chance alone passes for some m with probability about 1e-6.
long lattice(const std::vector<double>& values) {
  for (long m = 1; m <= 10000; ++m) {
    const double dm = static_cast<double>(m);
    if (std::all_of(values.begin(), values.end(), [&](double v) {
          const double x = v * dm;
          return std::fabs(x - std::round(x)) <= 1e-9 * std::max(1.0, std::fabs(x));
        }))
      return m;
  }
  return 0;
}

}  // namespace

std::vector<std::string> summary_warnings(const Ranking& r) {
  std::vector<std::string> out;

  // The exact two-sided Wilcoxon p-value is at least 2 / 2^n: 0.0625 for 5 pairs, 0.03125 for 6.
  std::size_t pairs = 0;
  bool compared = false;
  for (const auto& g : r.configurations)
    if (g.vs_best) {
      compared = true;
      pairs = std::max(pairs, g.vs_best->t_test.n);
    }
  if (compared && pairs < 6)
    out.push_back("too few repeats: with " + std::to_string(pairs) + (pairs == 1 ? " paired repeat" : " paired repeats") +
                  " the exact two-sided Wilcoxon signed-rank "
                  "test cannot reach p<0.05 (its smallest p is " + number(2 / std::pow(2.0, static_cast<double>(pairs))) +
                  "; it needs 6 pairs): run more repeats for it to speak");

  std::vector<double> all;
  for (const auto& g : r.configurations) all.insert(all.end(), g.values.begin(), g.values.end());
  const std::set<double> distinct(all.begin(), all.end());
  const long m = distinct.size() >= 2 ? lattice(all) : 0;
  const bool few = all.size() >= 6 && distinct.size() * 2 <= all.size();
  if (m > 0 || few) {
    std::string why = m == 1 ? "its values are whole numbers" : m > 1 ? "its values are multiples of 1/" + std::to_string(m) : "";
    if (few) why += (why.empty() ? "" : "; ") + std::to_string(distinct.size()) + " distinct values among " + std::to_string(all.size());
    out.push_back(r.metric + " looks discrete (" + why + "): repeats tie often, exact ties give no p-value, and the t-test's normal "
                  "approximation is rough; a continuous metric (a loss) compares configurations more finely");
  }

  // The top two: the best and the first configuration ranked below it (not a tie of it).
  const RankedConfiguration& best = r.configurations.front();
  for (const auto& g : r.configurations) {
    if (g.rank == best.rank || std::isnan(g.mean)) continue;
    const double gap = std::fabs(g.mean - best.mean);
    const double spread = std::max(std::isnan(best.sd) ? 0.0 : best.sd, std::isnan(g.sd) ? 0.0 : g.sd);
    if (spread > gap)
      out.push_back("the spread across repeats (sd up to " + number(spread) + ") is larger than the gap between the top two (" +
                    number(gap) + "): their order is noise unless the paired test says otherwise");
    break;
  }
  return out;
}

}  // namespace lrlab::analysis
