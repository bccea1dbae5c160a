#include "lrlab/analysis/lr_find.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lrlab/smoothed_loss.hpp"

namespace lrlab::analysis {

const std::vector<std::string>& lr_find_rules() {
  static const std::vector<std::string> rules{"valley", "steepest", "minimum/10"};
  return rules;
}

std::vector<double> smoothed_losses(const std::vector<double>& losses, double beta) {
  SmoothedLoss s(beta);
  std::vector<double> out;
  out.reserve(losses.size());
  for (const double loss : losses) out.push_back(s.add(loss));
  return out;
}

Window suggestion_window(const LrCurve& curve, std::int64_t steps_asked) {
  const std::size_t n = curve.smoothed.size();
  Window w;
  w.begin = static_cast<std::size_t>(std::max<std::int64_t>(0, steps_asked / 10));  // lrs[num_it//10:-5]
  w.end = n >= 5 ? n - 5 : 0;
  for (std::size_t i = w.begin; i < w.end; ++i)
    if (!std::isfinite(curve.smoothed[i])) {  // fastai drops everything from the first NaN
      w.end = i;
      break;
    }
  if (w.end < w.begin) w.end = w.begin;
  return w;
}

std::optional<Pick> valley(const std::vector<double>& lrs, const std::vector<double>& losses) {
  const std::size_t n = losses.size();
  if (n == 0) return std::nullopt;
  // lds[i]: the length of the longest strictly decreasing run of losses (a subsequence) ending at
  // i. fastai updates max_end and max_start inside the inner loop; the same order is kept here,
  // so that ties pick the same valley.
  std::vector<std::int64_t> lds(n, 1);
  std::int64_t max_start = 0, max_end = 0;
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[static_cast<std::size_t>(max_end)] < lds[i]) {
        max_end = static_cast<std::int64_t>(i);
        max_start = max_end - lds[static_cast<std::size_t>(max_end)];
      }
    }
  const double sections = static_cast<double>(max_end - max_start) / 3.0;
  std::int64_t idx = max_start + static_cast<std::int64_t>(sections) + static_cast<std::int64_t>(sections / 2.0);
  // max_start is -1 when the valley starts at the first point; Python then reads lrs[-1], the
  // last point, for a valley of two points: kept, so that the rule is fastai's.
  if (idx < 0) idx += static_cast<std::int64_t>(n);
  const auto at = static_cast<std::size_t>(idx);
  return Pick{at, lrs[at]};
}

std::optional<Pick> steepest(const std::vector<double>& lrs, const std::vector<double>& losses) {
  std::optional<std::size_t> best;
  double best_slope = 0;
  for (std::size_t i = 0; i + 1 < losses.size(); ++i) {
    const double run = std::log(lrs[i + 1]) - std::log(lrs[i]);
    if (!(run != 0.0) || !std::isfinite(run)) continue;  // equal rates (after a range test's end): no slope
    const double slope = (losses[i + 1] - losses[i]) / run;
    if (!best || slope < best_slope) {
      best = i;
      best_slope = slope;
    }
  }
  if (!best) return std::nullopt;
  return Pick{*best, lrs[*best]};
}

std::optional<Pick> minimum_tenth(const std::vector<double>& lrs, const std::vector<double>& losses) {
  if (losses.empty()) return std::nullopt;
  const auto at = static_cast<std::size_t>(std::min_element(losses.begin(), losses.end()) - losses.begin());
  return Pick{at, lrs[at] / 10.0};
}

std::optional<Pick> apply_rule(const std::string& rule, const std::vector<double>& lrs, const std::vector<double>& losses) {
  if (rule == "valley") return valley(lrs, losses);
  if (rule == "steepest") return steepest(lrs, losses);
  if (rule == "minimum/10") return minimum_tenth(lrs, losses);
  throw std::invalid_argument("no suggestion rule \"" + rule + "\" (valley, steepest, minimum/10)");
}

std::vector<RuleResult> suggest(const LrCurve& curve, std::int64_t steps_asked) {
  const Window w = suggestion_window(curve, steps_asked);
  const auto from = static_cast<std::ptrdiff_t>(w.begin), to = static_cast<std::ptrdiff_t>(w.begin + w.size());
  const std::vector<double> lrs(curve.lrs.begin() + from, curve.lrs.begin() + to);
  const std::vector<double> losses(curve.smoothed.begin() + from, curve.smoothed.begin() + to);
  std::vector<RuleResult> out;
  for (const auto& rule : lr_find_rules()) {
    RuleResult r{rule, apply_rule(rule, lrs, losses)};
    if (r.pick) r.pick->index += w.begin;
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Spread> spread(std::vector<double> rates) {
  if (rates.empty()) return std::nullopt;
  std::sort(rates.begin(), rates.end());
  const std::size_t n = rates.size();
  Spread s;
  s.n = n;
  s.min = rates.front();
  s.max = rates.back();
  s.median = n % 2 == 1 ? rates[n / 2] : std::sqrt(rates[n / 2 - 1] * rates[n / 2]);
  return s;
}

}  // namespace lrlab::analysis
