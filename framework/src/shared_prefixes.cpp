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

// A point's schedule, built as its trials build it (no policies: the rate is the schedule's).
SchedulePtr schedule_of(const PointConfig& p, const Resolver& resolver) {
  return build_schedule(resolver, p.schedule, "/schedule", schedule_context(p));
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// The rate and cycled beta_1 of update t; nullopt where the schedule throws (a trial fails there,
// so nothing from there on is shared).
using Rate = std::pair<double, std::optional<double>>;
std::optional<Rate> rate_at(const Schedule& s, std::int64_t t) {
  try {
    return Rate{s.value(t), s.beta_1(t)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The updates two trials share: the first step where their rates differ, asked step by step, so
// that planning takes the memory of two schedules and the time of the shared part.
std::int64_t agreement(const Schedule& a, const Schedule& b, std::int64_t steps) {
  for (std::int64_t t = 0; t < steps; ++t) {
    const auto ra = rate_at(a, t), rb = rate_at(b, t);
    if (!ra || !rb || !same_bits(ra->first, rb->first) || ra->second.has_value() != rb->second.has_value() ||
        (ra->second && !same_bits(*ra->second, *rb->second)))
      return t;
  }
  return steps;
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
    struct Root {
      std::int64_t point;
      SchedulePtr schedule;
      std::int64_t steps;
    };
    std::vector<Root> roots;
    for (const std::int64_t p : points) {
      const auto point = plan.point(p);
      SchedulePtr schedule = schedule_of(*point, resolver);
      std::optional<std::int64_t> root;
      std::int64_t step = 0;
      for (const Root& r : roots) {
        const std::int64_t s = agreement(*schedule, *r.schedule, std::min(point->total_steps, r.steps));
        // The root must pause before its own end, and the branch must save an evaluation period.
        if (s > step && s < r.steps && s >= point->eval_every) root = r.point, step = s;
      }
      if (!root) {
        roots.push_back({p, std::move(schedule), point->total_steps});
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
