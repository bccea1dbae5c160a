#include "lrlab/pruned_sweep.hpp"

#include <cmath>
#include <map>
#include <set>

namespace lrlab {

namespace {

bool ended_badly(const std::string& s) { return s == status::diverged || s == status::failed; }
bool training(const std::string& s) { return s == status::pending || s == status::running; }

}  // namespace

std::int64_t decide_rung(Store& store, std::int64_t experiment_id, const Experiment& ex, std::int64_t step) {
  const Pruner& pruner = ex.pruner;
  const std::int64_t repeats = ex.trials.repeats();
  // A diverged or failed repeat is the worst value there is, whichever way the metric points.
  const double worst = pruner.config().maximize ? -INFINITY : INFINITY;
  const auto rows = store.rung_rows(experiment_id, pruner.config().metric, step, pruner.config().maximize);
  std::map<std::int64_t, PointAtRung> points;
  std::set<std::int64_t> gone;  // stopped at an earlier rung
  for (const auto& row : rows) {
    const std::int64_t point = row.trial_index / repeats;
    const auto r = static_cast<std::size_t>(row.trial_index % repeats);
    if (row.status == status::pruned && row.steps_done < step) gone.insert(point);
    PointAtRung& p = points[point];
    p.point = point;
    p.values.resize(static_cast<std::size_t>(repeats), NAN);
    p.best.resize(static_cast<std::size_t>(repeats), NAN);
    p.values[r] = ended_badly(row.status) ? worst : row.last.value_or(NAN);
    p.best[r] = ended_badly(row.status) ? worst : row.best.value_or(NAN);
    // Pruned at this very rung by an earlier invocation: still part of the decision it was in.
    p.live = p.live || training(row.status) || (row.status == status::pruned && row.steps_done == step);
  }
  std::vector<PointAtRung> cohort;
  for (auto& [point, p] : points)
    if (!gone.count(point)) cohort.push_back(std::move(p));
  std::map<std::int64_t, std::string> stop;
  for (auto& d : pruner.decide(step, std::move(cohort))) stop.emplace(d.point, std::move(d.reason));
  if (stop.empty()) return 0;
  std::vector<Store::PruneMark> marks;
  for (const auto& row : rows) {
    const auto it = stop.find(row.trial_index / repeats);
    if (it == stop.end() || !training(row.status)) continue;
    const std::int64_t spe = ex.trials.point(it->first)->steps_per_epoch;
    marks.push_back({row.trial_id, (step - 1) / spe, it->second});
  }
  return store.prune(marks, step);
}

SweepReport run_pruned_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                             const SweepOptions& options) {
  SweepReport total;
  total.total = ex.trials.size();
  {
    const std::vector<Pending> left = pending_trials(store, experiment_id);
    total.skipped = total.total - static_cast<std::int64_t>(left.size());
    for (const auto& p : left)
      if (p.from) ++total.from_checkpoints;
  }
  const auto stage = [&](std::int64_t until) {
    return run_stage(transport, store, ex.trials, pending_trials(store, experiment_id), until, options, total);
  };
  for (const std::int64_t step : ex.pruner.rung_steps()) {
    if (!stage(step)) return total;
    total.pruned += decide_rung(store, experiment_id, ex, step);
  }
  stage(0);
  return total;
}

}  // namespace lrlab
