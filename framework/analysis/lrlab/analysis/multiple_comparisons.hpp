#pragma once
// Adjusting the p-values of a family of tests, so that "beats k of m at p<0.05" stays honest when
// m comparisons are made: the summary compares every configuration with the best, and with 20 of
// them one would pass p < 0.05 by chance alone.
#include <string>
#include <vector>

#include "lrlab/statistics.hpp"

namespace lrlab::analysis::stats {

// The tests themselves live in the core (statistics.hpp: a pruner uses them while a sweep runs);
// the analysis code names them all as analysis::stats.
using namespace lrlab::stats;

enum class Correction {
  holm,  // Holm (1979), step-down Bonferroni: controls the family-wise error rate, always valid
  bh,    // Benjamini & Hochberg (1995), step-up: controls the false discovery rate
  none,
};

// "holm", "bh" or "none"; throws SpecError otherwise.
Correction parse_correction(const std::string& name);
// For sentences: "Holm-adjusted", "BH-adjusted", "unadjusted".
std::string correction_label(Correction c);

// Holm: sort the m p-values ascending, p_(i) -> max over j <= i of min(1, (m - j + 1) p_(j)).
std::vector<double> holm(const std::vector<double>& p);
// Benjamini-Hochberg: p_(i) -> min over j >= i of min(1, m p_(j) / j).
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

// The adjusted p-values in the order given. NaN p-values (tests that could not be made) are not
// part of the family: they stay NaN and do not count in m.
std::vector<double> adjust(const std::vector<double>& p, Correction c);

}  // namespace lrlab::analysis::stats
