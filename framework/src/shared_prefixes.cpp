#include "lrlab/shared_prefixes.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <optional>

#include "lrlab/errors.hpp"

namespace lrlab {

namespace {

// What a point's trials compute apart from the schedule and the budget, and the seed they share
// for each repeat: points with the same key may share prefixes.
std::string sharing_key(const PointConfig& p) {
  Json config = Json::parse(p.config_text);
  config.erase("schedule");
  config.erase("budget");
  return config.dump() + "#" + std::to_string(p.experiment_seed);
}

// A point's rates (and cycled beta_1) for its whole budget, as its trials' RateControl computes
// them without policies.
struct Rates {
  std::vector<double> lr;
  std::vector<std::optional<double>> beta_1;
};

Rates rates_of(const PointConfig& p, const Resolver& resolver) {
  const SchedulePtr schedule = build_schedule(resolver, p.schedule, "/schedule", schedule_context(p));
  Rates r;
  r.lr.reserve(static_cast<std::size_t>(p.total_steps));
  r.beta_1.reserve(static_cast<std::size_t>(p.total_steps));
  for (std::int64_t t = 0; t < p.total_steps; ++t) {
    r.lr.push_back(schedule->value(t));
    r.beta_1.push_back(schedule->beta_1(t));
  }
  return r;
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// The updates two points' trials share: the first step where the rates differ.
std::int64_t agreement(const Rates& a, const Rates& b) {
  const std::size_t n = std::min(a.lr.size(), b.lr.size());
  for (std::size_t t = 0; t < n; ++t) {
    const bool beta_same = a.beta_1[t].has_value() == b.beta_1[t].has_value() &&
                           (!a.beta_1[t] || same_bits(*a.beta_1[t], *b.beta_1[t]));
    if (!same_bits(a.lr[t], b.lr[t]) || !beta_same) return static_cast<std::int64_t>(t);
  }
  return static_cast<std::int64_t>(n);
}

}  // namespace

std::vector<PrefixBranch> plan_shared_prefixes(const TrialPlan& plan, const Resolver& resolver) {
  std::map<std::string, std::vector<std::int64_t>> groups;  // sharing key -> points
  for (std::int64_t p = 0; p < plan.points(); ++p) {
    const auto point = plan.point(p);
    if (!point->policies.empty())
      throw SpecError("/share_prefixes", "trials with policies cannot share prefixes: a policy sees the budget and may "
                                         "act on it before the trials' rates part; remove \"share_prefixes\" or the policies");
    groups[sharing_key(*point)].push_back(p);
  }
  std::vector<PrefixBranch> branches;
  for (auto& [key, points] : groups) {
    if (points.size() < 2) continue;
    // The longest budget first: the trial most others can start from.
    std::stable_sort(points.begin(), points.end(), [&](std::int64_t a, std::int64_t b) {
      return plan.point(a)->total_steps > plan.point(b)->total_steps;
    });
    std::vector<std::pair<std::int64_t, Rates>> roots;
    for (const std::int64_t p : points) {
      const auto point = plan.point(p);
      Rates rates = rates_of(*point, resolver);
      std::optional<std::int64_t> root;
      std::int64_t step = 0;
      for (const auto& [r, root_rates] : roots) {
        const std::int64_t s = agreement(rates, root_rates);
        // The root must pause before its own end, and the branch must save an evaluation period.
        if (s > step && s < static_cast<std::int64_t>(root_rates.lr.size()) && s >= point->eval_every) root = r, step = s;
      }
      if (!root) {
        roots.emplace_back(p, std::move(rates));
        continue;
      }
      for (std::int64_t rep = 0; rep < plan.repeats(); ++rep)
        branches.push_back({p * plan.repeats() + rep, *root * plan.repeats() + rep, step});
    }
  }
  std::sort(branches.begin(), branches.end(), [](const auto& a, const auto& b) { return a.trial < b.trial; });
  return branches;
}

}  // namespace lrlab
