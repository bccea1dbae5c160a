#include "lrlab/pbt_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <cstdio>
#include <map>

#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"

namespace lrlab {

namespace {

bool training(const std::string& s) { return s == status::pending || s == status::running; }

std::map<std::int64_t, StoredTrial> stored_trials(Store& store, std::int64_t experiment_id) {
  std::map<std::int64_t, StoredTrial> by_id;
  Store::each_trial(store.connection(), experiment_id, [&](const StoredTrial& t) { by_id.emplace(t.trial_id, t); });
  return by_id;
}

// A trial's values as explore sees them (pbt.hpp): its search values and every mutated value.
Json values_of(const PbtConfig& pbt, const StoredTrial& t) {
  return current_values(pbt, Json::parse(t.grid_json), Json::parse(t.config_json));
}

std::string shown(double v) { return std::isnan(v) ? "none" : message_number(v); }

// The first generation's lineage rows, once: member m is the trial of index m.
void write_first_generation(Store& store, std::int64_t experiment_id, const Experiment& ex) {
  if (!store.lineage(experiment_id).empty()) return;
  std::vector<Store::LineageRow> rows;
  for (const auto& [id, t] : stored_trials(store, experiment_id))
    if (t.trial_index < ex.pbt->population) {
      Store::LineageRow r;
      r.member = t.trial_index;
      r.trial_id = id;
      r.values_json = values_of(*ex.pbt, t).dump();
      rows.push_back(std::move(r));
    }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.member < b.member; });
  store.write_generation(experiment_id, 0, std::move(rows), {});
}

}  // namespace

std::vector<Pending> pbt_pending_trials(Store& store, std::int64_t experiment_id, const Experiment& ex) {
  std::vector<Pending> todo;
  // Only the trials that carry a member now: a replaced trial that had failed (not finished, so a
  // resume would put it back to pending) stays where its member left it.
  std::map<std::int64_t, std::int64_t> member_trial;
  for (const auto& r : store.lineage(experiment_id)) member_trial[r.member] = r.trial_id;
  std::set<std::int64_t> current;
  for (const auto& [member, trial_id] : member_trial) current.insert(trial_id);
  auto checkpoints = store.checkpoints(experiment_id);
  Store::each_trial(store.connection(), experiment_id, [&](const StoredTrial& row) {
    if (is_finished(row.status) || (!current.empty() && !current.count(row.trial_id))) return;
    Pending p;
    p.index = row.trial_index;
    p.trial_id = row.trial_id;
    const bool copy = row.trial_index >= ex.trials.size();
    if (copy) p.made = ExplicitTrial{row.grid_json, row.repeat, static_cast<std::uint64_t>(row.seed)};
    // A copy's checkpoint is the one it copied (another trial's key: a fork) until it saves its own.
    if (auto it = checkpoints.find(row.trial_id);
        it != checkpoints.end() && (copy || it->second.trial_key == row.trial_key))
      p.from = std::make_shared<const Checkpoint>(std::move(it->second));
    todo.push_back(std::move(p));
  });
  return todo;
}

std::int64_t decide_generation(Store& store, std::int64_t experiment_id, const Experiment& ex, std::int64_t generation) {
  const PbtConfig& pbt = *ex.pbt;
  const std::int64_t step = generation * pbt.interval;
  const auto lineage = store.lineage(experiment_id);
  std::map<std::int64_t, std::int64_t> member_trial;  // member -> the trial that carries it now
  for (const auto& r : lineage) {
    if (r.generation >= generation) return 0;  // written before: kept as it is
    member_trial[r.member] = r.trial_id;
  }
  const auto trials = stored_trials(store, experiment_id);
  std::map<std::int64_t, Store::RungRow> at_step;
  for (auto& r : store.rung_rows(experiment_id, pbt.metric, step, pbt.maximize)) at_step.emplace(r.trial_id, r);

  std::vector<MemberAtGeneration> members;
  std::vector<Store::LineageRow> rows;
  for (const auto& [member, trial_id] : member_trial) {
    const Store::RungRow& r = at_step.at(trial_id);
    const double raw = r.last.value_or(NAN);
    MemberAtGeneration m;
    m.member = member;
    m.live = training(r.status) && r.steps_done == step;
    // A member whose trial ended before the step (a policy stopped it, it diverged or failed)
    // cannot go on: it ranks last, the first to be replaced, whatever it reached before.
    m.value = !m.live || std::isnan(raw) ? INFINITY : pbt.maximize ? -raw : raw;
    members.push_back(m);
    Store::LineageRow row;
    row.generation = generation;
    row.member = member;
    row.step = step;
    row.trial_id = trial_id;
    if (!std::isnan(raw)) row.value = raw;
    row.values_json = values_of(pbt, trials.at(trial_id)).dump();
    rows.push_back(std::move(row));
  }

  std::int64_t next_index = 0;
  for (const auto& [id, t] : trials) next_index = std::max(next_index, t.trial_index + 1);
  const std::int64_t spe = ex.trials.point(0)->steps_per_epoch;
  std::vector<Store::Exploited> exploits;
  for (const Exploit& e : exploit(pbt, generation, members)) {
    const std::size_t at = static_cast<std::size_t>(std::find_if(rows.begin(), rows.end(), [&](const auto& r) {
                                                     return r.member == e.member;
                                                   }) - rows.begin());
    const std::size_t from = static_cast<std::size_t>(std::find_if(rows.begin(), rows.end(), [&](const auto& r) {
                                                       return r.member == e.parent;
                                                     }) - rows.begin());
    const StoredTrial& parent = trials.at(rows[from].trial_id);
    const Json explored = explore(pbt, generation, e.member, values_of(pbt, parent));
    TrialConfig copy;
    try {
      copy = ex.trials.trial(next_index, ExplicitTrial{explored.dump(), parent.repeat, static_cast<std::uint64_t>(parent.seed)});
    } catch (const SpecError& err) {
      // A perturbed value its parameter refuses: this member goes on as it was (bound the mutation
      // with "low"/"high" to keep every copy valid).
      std::fprintf(stderr, "lrlab: warning: generation %lld: member %lld's copy of member %lld does not fit (%s: %s): it "
                           "goes on as it was\n", static_cast<long long>(generation), static_cast<long long>(e.member),
                   static_cast<long long>(e.parent), err.pointer().c_str(), err.problem().c_str());
      continue;
    }
    ++next_index;
    Store::LineageRow& row = rows[at];
    const std::string reason =
        "PBT generation " + std::to_string(generation) + " (step " + std::to_string(step) + "): " + pbt.metric + " " +
        shown(row.value.value_or(NAN)) + " in the bottom " + std::to_string(quantile_count(pbt.population, pbt.quantile)) +
        " of " + std::to_string(pbt.population) + "; replaced by a copy of trial " + std::to_string(parent.trial_id) +
        " (member " + std::to_string(e.parent) + ", " + pbt.metric + " " + shown(rows[from].value.value_or(NAN)) +
        ") with " + explored.dump();
    exploits.push_back({at, copy, Store::PruneMark{row.trial_id, (step - 1) / spe, reason, "pbt", "exploit"}});
    row.replaced_trial_id = row.trial_id;
    row.parent_trial_id = parent.trial_id;
    row.trial_id = 0;  // the copy's, given when it is inserted
    row.values_json = explored.dump();
  }
  return store.write_generation(experiment_id, step, std::move(rows), exploits);
}

SweepReport run_pbt_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                          const SweepOptions& options) {
  SweepReport total;
  write_first_generation(store, experiment_id, ex);
  {
    const std::vector<Pending> left = pbt_pending_trials(store, experiment_id, ex);
    total.total = static_cast<std::int64_t>(store.trials(experiment_id).size());
    total.skipped = total.total - static_cast<std::int64_t>(left.size());
    for (const auto& p : left)
      if (p.from) ++total.from_checkpoints;
  }
  const auto stage = [&](std::int64_t until) {
    return run_stage(transport, store, ex.trials, pbt_pending_trials(store, experiment_id, ex), until, options, total);
  };
  const std::int64_t budget = ex.trials.point(0)->total_steps;
  for (std::int64_t g = 1; g * ex.pbt->interval < budget; ++g) {
    if (!stage(g * ex.pbt->interval)) return total;
    total.exploited += decide_generation(store, experiment_id, ex, g);
  }
  stage(0);
  return total;
}

}  // namespace lrlab
