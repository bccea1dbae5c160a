#include "lrlab/analysis/multiple_comparisons.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lrlab/errors.hpp"

namespace lrlab::analysis::stats {
namespace {

// The positions of the p-values, smallest first (a stable order, so ties keep their input order).
std::vector<std::size_t> ascending(const std::vector<double>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

Correction parse_correction(const std::string& name) {
  if (name == "holm") return Correction::holm;
  if (name == "bh") return Correction::bh;
  if (name == "none") return Correction::none;
  throw SpecError("", "--correction must be holm, bh or none; received \"" + name + "\"");
}

std::string correction_label(Correction c) {
  switch (c) {
    case Correction::holm: return "Holm-adjusted";
    case Correction::bh: return "BH-adjusted";
    case Correction::none: break;
  }
  return "unadjusted";
}

std::vector<double> holm(const std::vector<double>& p) {
  const std::size_t m = p.size();
  std::vector<double> out(m);
  double running = 0;  // the max keeps the adjusted values in the order of the raw ones
  const auto order = ascending(p);
  for (std::size_t i = 0; i < m; ++i) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - i) * p[order[i]]));
    out[order[i]] = running;
  }
  return out;
}

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  const std::size_t m = p.size();
  std::vector<double> out(m);
  double running = 1;  // from the largest down: the min makes the step-up monotone
  const auto order = ascending(p);
  for (std::size_t i = m; i-- > 0;) {
    running = std::min(running, static_cast<double>(m) * p[order[i]] / static_cast<double>(i + 1));
    out[order[i]] = running;
  }
  return out;
}

std::vector<double> adjust(const std::vector<double>& p, Correction c) {
  std::vector<double> family;
  for (double v : p)
    if (!std::isnan(v)) family.push_back(v);
  const std::vector<double> adjusted =
      c == Correction::holm ? holm(family) : c == Correction::bh ? benjamini_hochberg(family) : family;
  std::vector<double> out(p.size(), NAN);
  for (std::size_t i = 0, k = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) out[i] = adjusted[k++];
  return out;
}

}  // namespace lrlab::analysis::stats
