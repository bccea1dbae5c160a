// verdict(): what the ranking's numbers allow one to say, in words (summary_table.hpp).
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "lrlab/analysis/summary_table.hpp"

namespace lrlab::analysis {
namespace {

// Numbers in the verdict are for reading: a few significant digits (the table has them all).
std::string short_number(double v, int digits) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}
std::string p_text(double p) { return short_number(p, 3); }

std::string names(const Ranking& r, const std::vector<std::size_t>& positions) {
  std::string s;
  for (std::size_t p : positions) s += (s.empty() ? "" : ", ") + r.configurations[p].name;
  return s;
}

}  // namespace

std::string verdict(const Ranking& r) {
  const RankedConfiguration& best = r.configurations.front();
  const std::string adjusted = stats::correction_label(r.correction);
  std::ostringstream v;
  if (!r.within.empty()) v << "[" << r.group_name() << "] ";
  v << "best: " << best.name << " (mean " << r.metric << " " << short_number(best.mean, 4) << ", "
    << (r.maximize ? "higher" : "lower") << " is better)";
  for (const auto& set : r.identical)
    v << "; identical: these " << set.size() << " configurations produced the same trajectory: " << names(r, set);
  for (const auto& set : r.equal)
    v << "; tied: these " << set.size() << " configurations have the same " << r.metric << " in every repeat: " << names(r, set);

  // One comparison per tie class (the classes are the ranks), the best's own class left out: its
  // members are ties, named above, never beaten.
  const RankedConfiguration* runner_up = nullptr;
  std::set<std::int64_t> tested, significant, untested;
  const RankedConfiguration* only_other = nullptr;
  for (const auto& g : r.configurations) {
    if (!g.vs_best || g.rank == best.rank) continue;
    if (!runner_up) runner_up = &g;
    if (std::isnan(g.vs_best->t_p_adjusted)) {
      untested.insert(g.rank);
      continue;
    }
    if (tested.insert(g.rank).second) only_other = &g;
    if (g.vs_best->t_p_adjusted < 0.05) significant.insert(g.rank);
  }
  if (!runner_up) return v.str();
  const Comparison& cmp = *runner_up->vs_best;
  v << "; vs runner-up " << runner_up->name << ": difference " << short_number(cmp.diff, 4);
  if (!std::isnan(cmp.diff_ci95.low))
    v << " (95% CI " << short_number(cmp.diff_ci95.low, 3) << " to " << short_number(cmp.diff_ci95.high, 3) << ", d_z "
      << short_number(cmp.d_z, 3) << ")";
  if (std::isnan(cmp.t_test.p)) v << ", paired t-test: " << cmp.t_test.note;
  else v << ", paired t-test p=" << p_text(cmp.t_test.p) << " (" << adjusted << " " << p_text(cmp.t_p_adjusted) << ")";
  if (std::isnan(cmp.wilcoxon.p)) v << ", Wilcoxon signed-rank: " << cmp.wilcoxon.note;
  else
    v << ", Wilcoxon signed-rank p=" << p_text(cmp.wilcoxon.p) << " (" << (cmp.wilcoxon.exact ? "exact" : "normal approx.") << ", "
      << cmp.t_test.n << " paired repeats)";
  if (!std::isnan(cmp.t_p_adjusted)) v << "; " << (cmp.t_p_adjusted < 0.05 ? "beats it" : "not significantly better");
  if (!tested.empty()) {
    if (significant.empty())
      v << "; no evidence that " << best.name << " beats "
        << (tested.size() == 1 ? only_other->name : "any of the " + std::to_string(tested.size()) + " others") << " at p<0.05 ("
        << adjusted << " paired t-test): it is best by its mean only";
    else
      v << "; beats " << significant.size() << " of " << tested.size() << " others at p<0.05 (" << adjusted << " paired t-test)";
  }
  if (!untested.empty()) v << "; " << untested.size() << (untested.size() == 1 ? " other" : " others") << " not tested (see note)";
  return v.str();
}

}  // namespace lrlab::analysis
