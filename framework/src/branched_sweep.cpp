#include "lrlab/branched_sweep.hpp"

#include <algorithm>
#include <chrono>
#include <map>

namespace lrlab {

namespace {

bool training(const std::string& s) { return s == status::pending || s == status::running; }

// The trials rows by index, and how far each has come by its checkpoint (0 without one).
struct Progress {
  std::map<std::int64_t, TrialRow> rows;
  std::map<std::int64_t, std::int64_t> steps;  // trial_id -> the checkpoint's steps_done
};

Progress progress_of(Store& store, std::int64_t experiment_id) {
  Progress p;
  for (auto& row : store.trials(experiment_id)) p.rows.emplace(row.trial_index, row);
  p.steps = store.checkpoint_steps(experiment_id);
  return p;
}

std::int64_t steps_of(const Progress& p, std::int64_t trial_id) {
  const auto it = p.steps.find(trial_id);
  return it == p.steps.end() ? 0 : it->second;
}

// Give every branch whose root is paused at its step the root's state and rows.
void give_branches(Store& store, std::int64_t experiment_id, const Experiment& ex) {
  const Progress p = progress_of(store, experiment_id);
  for (const PrefixBranch& b : ex.branches) {
    const TrialRow& branch = p.rows.at(b.trial);
    const TrialRow& root = p.rows.at(b.root);
    if (!training(branch.status) || p.steps.count(branch.trial_id) || !training(root.status) ||
        steps_of(p, root.trial_id) != b.step)
      continue;
    const std::int64_t epoch = (b.step - 1) / ex.trials.point(b.trial / ex.trials.repeats())->steps_per_epoch;
    store.branch_trial(branch.trial_id, root.trial_id, b.step, epoch,
                       "continued from trial_id " + std::to_string(root.trial_id) + "'s state after " +
                           std::to_string(b.step) + " updates: their rates agree on every update before (share_prefixes)");
  }
}

}  // namespace

SweepReport run_branched_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                               const SweepOptions& options) {
  std::map<std::int64_t, std::vector<std::int64_t>> stops;  // root index -> its branches' steps, ascending
  std::map<std::int64_t, const PrefixBranch*> branch_of;
  for (const PrefixBranch& b : ex.branches) {
    stops[b.root].push_back(b.step);
    branch_of[b.trial] = &b;
  }
  for (auto& [root, steps] : stops) {
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  }

  const auto t0 = std::chrono::steady_clock::now();
  SweepReport total;
  total.total = ex.trials.size();
  // The whole sweep's time, not the rounds' sum; on a stop, every trial left (not only the last
  // round's) as interrupted.
  const auto done = [&](bool stopped) {
    total.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (stopped) {
      total.interrupted = 0;
      for (const auto& [index, row] : progress_of(store, experiment_id).rows)
        if (training(row.status)) ++total.interrupted;
    }
    return total;
  };
  for (bool first = true;; first = false) {
    give_branches(store, experiment_id, ex);
    const Progress p = progress_of(store, experiment_id);
    std::vector<Pending> todo = pending_trials(store, experiment_id);
    if (first) {
      total.skipped = total.total - static_cast<std::int64_t>(todo.size());
      for (const auto& w : todo)
        if (w.from) ++total.from_checkpoints;
    }
    std::vector<Pending> round;
    for (Pending& w : todo) {
      if (!training(p.rows.at(w.index).status)) continue;  // failed in this invocation: a resume retries it
      const std::int64_t at = w.from ? w.from->steps_done : 0;
      if (const auto b = branch_of.find(w.index); b != branch_of.end() && !w.from) {
        const TrialRow& root = p.rows.at(b->second->root);
        if (training(root.status) && steps_of(p, root.trial_id) < b->second->step) continue;  // waits for its root
      }
      if (const auto s = stops.find(w.index); s != stops.end()) {
        const auto next = std::upper_bound(s->second.begin(), s->second.end(), at);
        w.until = next == s->second.end() ? 0 : *next;
      }
      round.push_back(std::move(w));
    }
    if (round.empty()) return done(false);
    if (!run_stage(transport, store, ex.trials, std::move(round), 0, options, total)) return done(true);
  }
}

}  // namespace lrlab
