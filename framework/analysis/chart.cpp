#include "lrlab/analysis/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <vector>

#include "lrlab/analysis/table.hpp"

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

namespace {

double quantile(std::vector<double>& v, double q) {
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}


}  // namespace

std::string choose_y_axis(Panel& p, const std::string& force_log, bool tail) {
  // The lines' values (marks sit on the lines and are left out), in the tail when asked.
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  for (const auto& c : p.curves)
    if (!(c.points && (c.crosses || c.events)))
      for (double x : c.x) x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
  const double from = tail && x_hi > x_lo ? x_lo + (x_hi - x_lo) / 2 : -std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> lines;
  std::vector<double> all, positive, means;  // means: one value per point, for the note
  for (const auto& c : p.curves) {
    if (c.points && (c.crosses || c.events)) continue;
    std::vector<double> line;
    for (std::size_t i = 0; i < c.x.size(); ++i)
      for (double y : {c.mean[i], c.low[i], c.high[i]}) {
        if (!std::isfinite(y)) continue;
        all.push_back(y);
        if (y > 0) positive.push_back(y);
        if (c.x[i] >= from) line.push_back(y);
      }
    for (double y : c.mean)
      if (std::isfinite(y)) means.push_back(y);
    if (!line.empty()) lines.push_back(std::move(line));
  }
  if (all.empty()) return "";
  const bool can_log = positive.size() >= 2 && positive.size() * 10 >= all.size() * 9;
  if (force_log == "on") p.log_y = true;
  else if (force_log == "off") p.log_y = false;
  else p.log_y = can_log && quantile(positive, 0.99) / quantile(positive, 0.01) > 30;

  // Each line's extent in axis units (log10 on a log axis), its extreme 1% set aside when it has
  // enough values to have any.
  struct Extent {
    double lo, hi;
  };
  const auto unit = [&](double y) { return p.log_y ? std::log10(y) : y; };
  std::vector<Extent> extents, full;
  for (auto& line : lines) {
    std::vector<double> v;
    for (double y : line)
      if (!p.log_y || y > 0) v.push_back(unit(y));
    if (v.empty()) continue;
    const double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
    full.push_back({lo, hi});
    extents.push_back(v.size() >= 50 ? Extent{quantile(v, 0.01), quantile(v, 0.99)} : Extent{lo, hi});
  }
  if (extents.empty()) return "";
  const auto union_of = [](const std::vector<Extent>& e) {
    Extent u{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const auto& x : e) u.lo = std::min(u.lo, x.lo), u.hi = std::max(u.hi, x.hi);
    return u;
  };
  const auto all_full = union_of(full);
  // Lines that alone stretch the axis (a rate decayed to 1e-108, a loss that diverged to 7e10)
  // are set aside, a third of the lines at most (none of two): the others are drawn apart, those leave the axis.
  // Candidates are the lines reaching lowest and those reaching highest: of every split (the k
  // lowest and the j highest set aside, k + j at most a third), the one that shrinks the span to a
  // quarter or less with the fewest lines set aside, then the narrowest.
  // Below these spans lines are "together": 0.3 decades on a log axis, a tenth of the largest
  // magnitude on a linear one.
  const double magnitude = std::max(std::abs(all_full.hi), std::abs(all_full.lo));
  const double min_span = p.log_y ? 0.3 : 0.1 * magnitude + 1e-300;
  const std::size_t n = extents.size(), may_set_aside = n >= 3 ? n / 3 : 0;  // of two lines, neither is "the odd one"
  std::vector<std::size_t> by_lo(n), by_hi(n);
  for (std::size_t i = 0; i < n; ++i) by_lo[i] = by_hi[i] = i;
  std::sort(by_lo.begin(), by_lo.end(), [&](std::size_t x, std::size_t y) { return extents[x].lo < extents[y].lo; });
  std::sort(by_hi.begin(), by_hi.end(), [&](std::size_t x, std::size_t y) { return extents[x].hi > extents[y].hi; });
  const double whole = union_of(extents).hi - union_of(extents).lo;
  std::vector<bool> aside(n, false);
  std::size_t best_count = 0;
  double best_span = whole;
  for (std::size_t k = 0; k <= may_set_aside && n > 1; ++k)
    for (std::size_t j = 0; k + j <= may_set_aside && k + j < n; ++j) {
      if (k + j == 0) continue;
      std::vector<bool> out(n, false);
      for (std::size_t q = 0; q < k; ++q) out[by_lo[q]] = true;
      for (std::size_t q = 0; q < j; ++q) out[by_hi[q]] = true;
      std::vector<Extent> rest;
      std::size_t count = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (out[i]) ++count;
        else rest.push_back(extents[i]);
      if (rest.empty()) continue;
      const Extent u = union_of(rest);
      const double span = u.hi - u.lo;
      if (whole <= 4 * std::max(span, min_span)) continue;  // not stretched enough to set any aside
      if (best_count == 0 || count < best_count || (count == best_count && span < best_span)) {
        best_count = count, best_span = span, aside = out;
      }
    }
  std::vector<Extent> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (!aside[i]) kept.push_back(extents[i]);
  Extent range = union_of(kept);
  const bool narrowed = range.lo > all_full.lo || range.hi < all_full.hi;
  if (!narrowed && !tail) {
    // Zeros and negatives have no place on a log axis: say how many are left out.
    const auto off = std::count_if(means.begin(), means.end(), [](double y) { return !(y > 0); });
    return p.log_y && off > 0 ? std::to_string(off) + " values off the axis (zero or negative, on a log axis)" : "";
  }
  // A range too narrow to read: 0.3 decades at least on a log axis (three constant rates), a
  // sliver around a constant on a linear one.
  const double min_range = p.log_y ? 0.3 : (range.hi > range.lo ? 0.0 : std::max(std::abs(range.lo) * 1e-3, 1e-12));
  if (range.hi - range.lo < min_range) {
    const double mid = (range.lo + range.hi) / 2;
    range = {mid - min_range / 2, mid + min_range / 2};
  }
  const double pad = (range.hi - range.lo) * 0.06;
  range.lo -= pad, range.hi += pad;
  p.y_range = p.log_y ? std::make_pair(std::pow(10.0, range.lo), std::pow(10.0, range.hi)) : std::make_pair(range.lo, range.hi);
  // A loss that diverged towards 1e308 pads the axis past the largest double: keep it finite (and
  // a log axis positive), or gnuplot is handed "inf".
  constexpr double largest = std::numeric_limits<double>::max();
  p.y_range->first = std::clamp(p.y_range->first, p.log_y ? std::numeric_limits<double>::min() : -largest, largest);
  p.y_range->second = std::clamp(p.y_range->second, p.y_range->first, largest);

  std::size_t outside = 0;
  double below = std::numeric_limits<double>::infinity(), above = -below;
  for (double y : means)
    if ((p.log_y && y <= 0) || y < p.y_range->first || y > p.y_range->second) {
      ++outside;
      below = std::min(below, y), above = std::max(above, y);
    }
  if (outside == 0) return "";
  std::string note = tail ? "zoomed to the second half; " : "";
  note += std::to_string(outside) + " values off the axis (";
  const bool low = below < p.y_range->first, high = above > p.y_range->second;
  if (low) note += "down to " + short_number(below);
  if (low && high) note += ", ";
  if (high) note += "up to " + short_number(above);
  return note + ")";
}

}  // namespace lrlab::analysis
