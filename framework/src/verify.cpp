#include "lrlab/verify.hpp"

#include "lrlab/format.hpp"
#include "lrlab/recording.hpp"
#include "lrlab/trial_run.hpp"


#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace lrlab {
namespace {

// A stored REAL: NULL stands for NaN (SQLite has no NaN).
std::optional<double> real(const sqlite::Statement& s, int col) {
  return s.is_null(col) ? std::nullopt : std::optional<double>(s.real(col));
}

bool same(std::optional<double> stored, double recomputed) {
  if (!stored) return std::isnan(recomputed);
  return std::bit_cast<std::uint64_t>(*stored) == std::bit_cast<std::uint64_t>(recomputed);
}
bool same(std::optional<double> stored, std::optional<double> recomputed) {
  return recomputed ? same(stored, *recomputed) : !stored.has_value();
}

std::string show(std::optional<double> v) {
  if (!v) return "NULL";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return buf;
}

class Comparison {
 public:
  bool ok() const { return first_.empty(); }
  const std::string& first() const { return first_; }
  void real(const std::string& where, const char* column, std::optional<double> stored, std::optional<double> now) {
    if (ok() && !same(stored, now))
      first_ = where + ", column " + column + ": stored " + show(stored) + ", recomputed " + show(now);
  }
  void integer(const std::string& where, const char* column, std::int64_t stored, std::int64_t now) {
    if (ok() && stored != now)
      first_ = where + ", column " + column + ": stored " + std::to_string(stored) + ", recomputed " + std::to_string(now);
  }
  void text(const std::string& where, const char* column, const std::string& stored, const std::string& now) {
    if (ok() && stored != now) first_ = where + ", column " + column + ": stored \"" + stored + "\", recomputed \"" + now + "\"";
  }
  void count(const char* table, std::size_t stored, std::size_t now) {
    if (ok() && stored != now)
      first_ = std::string(table) + ": " + std::to_string(stored) + " rows stored, " + std::to_string(now) + " recomputed";
  }

 private:
  std::string first_;
};

}  // namespace

std::optional<TrialConfig> planned_trial(const Experiment& ex, std::int64_t trial_index) {
  if (trial_index < 0 || trial_index >= ex.trials.size()) return std::nullopt;
  return ex.trials[trial_index];
}

std::optional<TrialConfig> planned_trial(const Experiment& ex, const StoredTrial& row) {
  if (ex.pbt && row.trial_index >= ex.trials.size()) {
    try {
      return ex.trials.trial(row.trial_index, ExplicitTrial{row.grid_json, row.repeat, static_cast<std::uint64_t>(row.seed)});
    } catch (const std::exception&) {
      return std::nullopt;  // values that no longer make a trial: outside the plan
    }
  }
  return planned_trial(ex, row.trial_index);
}

std::string row_difference(const StoredTrial& row, const TrialConfig& plan) {
  if (row.trial_key != plan.key)
    return "its trial_key is not the planned one: its configuration resolves differently now (a plugin's defaults "
           "changed?), or the row was edited";
  if (row.config_json != plan->config_text)
    return "its config_json is not the planned configuration (its trial_key is): the row was edited";
  if (row.seed != static_cast<std::int64_t>(plan.seed))
    return "its seed is " + std::to_string(row.seed) + ", the plan's " + std::to_string(plan.seed) + ": the row was edited";
  if (row.repeat != plan.repeat)
    return "its repeat is " + std::to_string(row.repeat) + ", the plan's " + std::to_string(plan.repeat) + ": the row was edited";
  if (row.grid_json != plan->grid_point.dump()) return "its grid_json is not the planned grid point: the row was edited";
  return "";
}

Verdict verify_trial(const sqlite::Connection& db, std::int64_t trial_id, const TrialConfig& trial, const TrialEnv& env,
                     std::int64_t from_step, const std::function<void(TrialRun&)>& at_end) {
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
  std::vector<EventRow> events;
  // A pruned trial (or a PBT member's trial replaced by a copy) is rerun to the step it stopped at:
  // the decision is the sweep's (made from every trial there), so its events row (source pruner or
  // pbt) is left out of the comparison below. A shared-prefix branch is rerun from its start: the
  // promise is that its rows are those of a trial run alone, its fork row (source branch) aside.
  std::int64_t until = 0;
  {
    sqlite::Statement q(db, "SELECT steps_done FROM trials WHERE trial_id = ?1 AND status = 'pruned'");
    q.bind(1, trial_id);
    if (q.step()) until = std::max<std::int64_t>(1, q.int64(0));
  }
  TrialOutcome out;
  {
    TrialRun run(trial, trial_id, env, [&](TrialChunk&& c) {
      steps.insert(steps.end(), c.steps.begin(), c.steps.end());
      evals.insert(evals.end(), c.evals.begin(), c.evals.end());
      events.insert(events.end(), c.events.begin(), c.events.end());
    });
    if (from_step > 0) {
      // What the trial it began from produced: theirs, not this trial's rows.
      if (run.run_to(from_step)) run.send_checkpoint();
      steps.clear();
      evals.clear();
      events.clear();
    }
    const std::int64_t end = until > 0 ? std::min(until, trial->total_steps) : trial->total_steps;
    if (run.run_to(end) && run.steps_done() >= end) {
      out = run.pause();
      out.status = status::pruned;
    } else {
      out = run.finish();
    }
    if (at_end) at_end(run);
  }
  std::stable_sort(evals.begin(), evals.end(),
                   [](const EvalRow& a, const EvalRow& b) { return std::tie(a.step, a.metric) < std::tie(b.step, b.metric); });
  Comparison cmp;

  sqlite::Statement t(db, "SELECT status, steps_done, final_train_loss, final_val_loss, best_val_loss, final_val_accuracy "
                          "FROM trials WHERE trial_id = ?1");
  t.bind(1, trial_id);
  if (t.step()) {
    cmp.text("trial", "status", t.text(0), out.status);
    cmp.integer("trial", "steps_done", t.int64(1), out.steps_done);
    cmp.real("trial", "final_train_loss", real(t, 2), out.final_train_loss);
    cmp.real("trial", "final_val_loss", real(t, 3), out.final_val_loss);
    cmp.real("trial", "best_val_loss", real(t, 4), out.best_val_loss);
    cmp.real("trial", "final_val_accuracy", real(t, 5), out.final_val_accuracy);
  }
  // The evaluation protocol's columns, where the trial was run by an lrlab that records them.
  if (db.has_column("trials", "selected_step")) {
    sqlite::Statement p(db, "SELECT selected_step, test_loss, test_accuracy, final_test_loss, final_test_accuracy, "
                            "coalesce(split_fingerprint, '') FROM trials WHERE trial_id = ?1 AND selected_step IS NOT NULL");
    p.bind(1, trial_id);
    if (p.step()) {
      cmp.integer("trial", "selected_step", p.int64(0), out.selected_step.value_or(-1));
      cmp.real("trial", "test_loss", real(p, 1), out.test_loss);
      cmp.real("trial", "test_accuracy", real(p, 2), out.test_accuracy);
      cmp.real("trial", "final_test_loss", real(p, 3), out.final_test_loss);
      cmp.real("trial", "final_test_accuracy", real(p, 4), out.final_test_accuracy);
      cmp.text("trial", "split_fingerprint", p.text(5), out.split_fingerprint);
    }
  }

  sqlite::Statement s(db, "SELECT step, epoch, lr, train_loss, beta_1 FROM steps WHERE trial_id = ?1 ORDER BY step");
  s.bind(1, trial_id);
  std::size_t i = 0;
  for (; s.step(); ++i) {
    if (i >= steps.size()) continue;
    const StepRow& r = steps[i];
    const std::string where = "steps, step " + std::to_string(s.int64(0));
    cmp.integer(where, "step", s.int64(0), r.step);
    cmp.integer(where, "epoch", s.int64(1), r.epoch);
    cmp.real(where, "lr", real(s, 2), r.lr);
    cmp.real(where, "train_loss", real(s, 3), r.train_loss);
    cmp.real(where, "beta_1", real(s, 4), r.beta_1);
  }
  cmp.count("steps", i, steps.size());

  sqlite::Statement e(db, "SELECT step, epoch, metric, value FROM evals WHERE trial_id = ?1 ORDER BY step, metric");
  e.bind(1, trial_id);
  i = 0;
  for (; e.step(); ++i) {
    if (i >= evals.size()) continue;
    const EvalRow& r = evals[i];
    const std::string where = "evals, step " + std::to_string(e.int64(0)) + " metric " + e.text(2);
    cmp.integer(where, "step", e.int64(0), r.step);
    cmp.integer(where, "epoch", e.int64(1), r.epoch);
    cmp.text(where, "metric", e.text(2), r.metric);
    cmp.real(where, "value", real(e, 3), r.value);
  }
  cmp.count("evals", i, evals.size());

  sqlite::Statement v(db, "SELECT step, epoch, source, kind, old_lr, new_lr, message FROM events WHERE trial_id = ?1 "
                          "AND source NOT IN ('pruner', 'pbt', 'branch') ORDER BY event_id");
  v.bind(1, trial_id);
  i = 0;
  for (; v.step(); ++i) {
    if (i >= events.size()) continue;
    const EventRow& r = events[i];
    const std::string where = "events, step " + std::to_string(v.int64(0)) + " (event " + std::to_string(i) + ")";
    cmp.integer(where, "step", v.int64(0), r.step);
    cmp.integer(where, "epoch", v.int64(1), r.epoch);
    cmp.text(where, "source", v.text(2), r.source);
    cmp.text(where, "kind", v.text(3), r.kind);
    cmp.real(where, "old_lr", real(v, 4), r.old_lr);
    cmp.real(where, "new_lr", real(v, 5), r.new_lr);
    cmp.text(where, "message", v.text(6), r.message);
  }
  cmp.count("events", i, events.size());

  return Verdict{cmp.ok(), cmp.first(), steps.size(), evals.size(), events.size()};
}

std::string recorded_trial_problem(const sqlite::Connection& db, const StoredTrial& row, Verdict& counts) {
  if (row.trial_key != recorded_trial_key(row.config_json, row.repeat))
    return "trial_key is not the sha256 of its config_json and repeat (the row was edited)";
  try {
    if (Json::parse(row.grid_json) != recorded_grid(Json::parse(row.config_json)))
      return "grid_json is not its config_json flattened (the row was edited)";
  } catch (const std::exception& e) {
    return std::string("config_json or grid_json is not a configuration (the row was edited): ") + e.what();
  }
  sqlite::Statement t(db, "SELECT steps_done, final_val_loss, best_val_loss, final_val_accuracy, selected_step, "
                          "(SELECT max(step) + 1 FROM steps WHERE trial_id = ?1), (SELECT count(*) FROM steps WHERE trial_id = ?1), "
                          "(SELECT count(*) FROM evals WHERE trial_id = ?1), (SELECT count(*) FROM events WHERE trial_id = ?1) "
                          "FROM trials WHERE trial_id = ?1");
  t.bind(1, row.trial_id);
  t.step();
  counts.steps = static_cast<std::size_t>(t.int64(6));
  counts.evals = static_cast<std::size_t>(t.int64(7));
  counts.events = static_cast<std::size_t>(t.int64(8));
  const std::int64_t steps_done = t.int64(0), last = t.is_null(5) ? 0 : t.int64(5);
  if (steps_done != last)
    return "steps_done is " + std::to_string(steps_done) + " but the steps table ends at step " + std::to_string(last - 1);
  const auto column = [&t](int i) { return t.is_null(i) ? std::optional<double>() : std::optional<double>(t.real(i)); };
  const auto metric = [&db, &row](const char* sql, const char* name) {
    sqlite::Statement m(db, sql);
    m.bind(1, row.trial_id).bind(2, std::string(name));
    return m.step() && !m.is_null(0) ? std::optional<double>(m.real(0)) : std::nullopt;
  };
  const char* last_sql = "SELECT value FROM evals WHERE trial_id = ?1 AND metric = ?2 ORDER BY step DESC LIMIT 1";
  const char* best_sql = "SELECT min(value) FROM evals WHERE trial_id = ?1 AND metric = ?2";
  const struct {
    const char* column;
    std::optional<double> stored, from_evals;
  } checks[] = {{"final_val_loss", column(1), metric(last_sql, "val_loss")},
                {"best_val_loss", column(2), metric(best_sql, "val_loss")},
                {"final_val_accuracy", column(3), metric(last_sql, "val_accuracy")}};
  for (const auto& c : checks)
    if (c.stored != c.from_evals)
      return std::string(c.column) + " is " + (c.stored ? message_number(*c.stored) : "NULL") + ", its evals give " +
             (c.from_evals ? message_number(*c.from_evals) : "none");
  if (const auto best = column(2)) {
    sqlite::Statement s(db, "SELECT min(step) FROM evals WHERE trial_id = ?1 AND metric = 'val_loss' AND value = ?2");
    s.bind(1, row.trial_id).bind(2, *best);
    s.step();
    if (t.is_null(4) || s.is_null(0) || s.int64(0) != t.int64(4))
      return "selected_step is not the first step of the best val_loss";
  }
  return {};
}

}  // namespace lrlab

