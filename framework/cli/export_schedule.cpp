// lrlab export-schedule (--schedule JSON --steps N [--base-lr X] [--steps-per-epoch K] | --db DB --trial ID)
//                      --format pytorch|keras|optax|csv [-o FILE] [--plugin-dir DIR]...
//
// The learning rate of every update as code for a Python training loop: a LambdaLR factor
// function (pytorch), a LearningRateSchedule subclass (keras), an Optax schedule (optax), or the
// table itself (csv: `step,lr`, one row per step). With --schedule, the rates of steps 0..N-1 as
// `lrlab preview` gives them (schedule_option.hpp builds both); with --db and --trial, a trial's
// effective rates, the policies' factors included, over its steps 0..steps_done-1.
//
// The code is a table, not a formula (rates_code.hpp writes it): only a table is exact for every
// schedule, a plugin's as well as the built-ins, and for a trial's policy decisions (a
// reduce_on_plateau reduction happened where the validation loss said so, which no formula knows in
// advance).
//
// A trial's rates: its steps rows (`lr` is the effective rate of each update) when it recorded
// every step, along its PBT lineage for a copy. A trial that recorded every k-th step only
// (record.every_steps = k) is rebuilt: its schedule from its stored configuration (its experiment
// planned again, as `lrlab verify` does), times the policies' combined factor, which each rate
// change in its events rows sets (new_lr / schedule at the step it applies to). The rebuilt rates
// must match every recorded row to 1e-12, and an event must say where it applies (a policy acting
// after update t changes the rate from t + 1, one acting before update t or after an evaluation from
// t: where the schedule is flat and step t was not recorded, the events cannot tell); else the
// command refuses, naming record.every_steps, exit 2. Without --trial it refuses too and names the
// best completed trial: which trial is "the winner" is the user's call (summary, query).
#include <algorithm>
#include <bit>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "number_checks.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/format.hpp"
#include "lrlab/replay.hpp"
#include "lrlab/store.hpp"
#include "lrlab/verify.hpp"
#include "output.hpp"
#include "output_file.hpp"
#include "rates_code.hpp"
#include "schedule_option.hpp"

namespace lrlab::cli {
namespace {

namespace fs = std::filesystem;

constexpr double max_export_steps = 1e7;

struct ExportScheduleOptions {
  std::string schedule;
  std::int64_t steps = 0;
  double base_lr = 1e-3;
  std::int64_t steps_per_epoch = 1;
  std::string db;
  std::int64_t trial = -1;
  std::string format, output;
  std::vector<fs::path> plugin_dirs;
};

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool within_1e12(double a, double b) { return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)); }
std::string count(std::int64_t n) { return std::to_string(n); }

// ---- --schedule ---------------------------------------------------------------------------------

RateTable schedule_rates(const ExportScheduleOptions& o) {
  if (!std::isfinite(o.base_lr)) throw SpecError("", "--base-lr must be a finite number, received " + message_number(o.base_lr));
  const ScheduleOption built(o.schedule, o.plugin_dirs, o.base_lr, o.steps, o.steps_per_epoch);
  RateTable r;
  r.base_lr = o.base_lr;
  r.lr.reserve(static_cast<std::size_t>(o.steps));
  for (std::int64_t t = 0; t < o.steps; ++t) r.lr.push_back(built.schedule().value(t));
  r.about = {"Schedule: " + built.spec().dump(),
             "base_lr " + py_float(o.base_lr) + ", steps_per_epoch " + count(o.steps_per_epoch) + ": the rates of steps 0.." +
                 count(o.steps - 1) + ", as `lrlab preview` gives them."};
  return r;
}

// ---- --db --trial -------------------------------------------------------------------------------

struct TrialRow {
  StoredTrial row;
  std::int64_t experiment_id = 0, steps_done = 0;
  std::string experiment, spec_json, spec_path;
};

// The best completed trial by best_val_loss, for the message that asks for --trial.
std::string best_trial_hint(const sqlite::Connection& c, const std::string& db) {
  sqlite::Statement s(c, "SELECT trial_id, best_val_loss FROM trials WHERE status = 'completed' AND best_val_loss IS NOT NULL "
                         "ORDER BY best_val_loss, trial_id LIMIT 1");
  std::string hint = "name the trial to export with --trial ID: `lrlab summary " + db +
                     "` compares the configurations, and `lrlab query " + db +
                     " \"SELECT trial_id, status, best_val_loss, config_json FROM trials ORDER BY best_val_loss LIMIT 5\"` "
                     "lists the trials";
  if (s.step()) hint += "; the completed trial with the lowest best_val_loss is " + count(s.int64(0)) + " (--trial " + count(s.int64(0)) + ")";
  return hint;
}

TrialRow trial_row(const sqlite::Connection& c, std::int64_t trial, const std::string& db) {
  sqlite::Statement s(c, "SELECT t.trial_id, t.trial_index, t.repeat, t.seed, t.trial_key, t.config_json, t.grid_json, t.status, "
                         "t.experiment_id, t.steps_done, e.name, e.spec_json, e.spec_path "
                         "FROM trials t JOIN experiments e ON e.experiment_id = t.experiment_id WHERE t.trial_id = ?1");
  s.bind(1, trial);
  if (!s.step()) {
    sqlite::Statement range(c, "SELECT min(trial_id), max(trial_id), count(*) FROM trials");
    range.step();
    throw SpecError("", "no trial with trial_id " + count(trial) + " in " + db +
                            (range.int64(2) == 0 ? std::string(" (it holds no trial)")
                                                 : " (its trial ids are " + count(range.int64(0)) + ".." + count(range.int64(1)) + ")"));
  }
  TrialRow t;
  t.row = StoredTrial{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.text(4), s.text(5), s.text(6), s.text(7)};
  t.experiment_id = s.int64(8);
  t.steps_done = s.int64(9);
  t.experiment = s.text(10);
  t.spec_json = s.text(11);
  t.spec_path = s.text(12);
  return t;
}

// Steps [from, to) of trial `id`: (step, lr) in step order.
std::vector<std::pair<std::int64_t, double>> recorded(const sqlite::Connection& c, std::int64_t id, std::int64_t from, std::int64_t to) {
  sqlite::Statement s(c, "SELECT step, lr FROM steps WHERE trial_id = ?1 AND step >= ?2 AND step < ?3 ORDER BY step");
  s.bind(1, id).bind(2, from).bind(3, to);
  std::vector<std::pair<std::int64_t, double>> out;
  while (s.step()) out.emplace_back(s.int64(0), s.is_null(1) ? NAN : s.real(1));
  return out;
}

std::string sparse_refusal(const TrialRow& t, std::int64_t every) {
  const std::string k = every > 0 ? count(every) : std::string("k");
  return "trial " + count(t.row.trial_id) + " recorded one step in " + k + " (\"record\": {\"every_steps\": " + k +
         "} in experiment \"" + t.experiment + "\"), so its rates are rebuilt from its configuration and events, and ";
}

// A trial that recorded every k-th step: its schedule times the factor its events set (see the top).
std::vector<double> rebuilt_rates(const sqlite::Connection& c, const TrialRow& t, const std::string& db,
                                  const std::vector<fs::path>& plugin_dirs,
                                  const std::vector<std::pair<std::int64_t, double>>& rows) {
  const Catalog catalog = Catalog::standard(plugin_dirs);
  const Resolver resolver(catalog);
  SharedData shared;
  std::optional<Experiment> ex;
  std::optional<TrialConfig> plan;
  try {
    const Spec spec = parse_spec(t.spec_json, db + " (experiment " + t.experiment + ")",
                                 t.spec_path.empty() ? fs::path(".") : fs::path(t.spec_path).parent_path());
    ex.emplace(plan_experiment(spec, resolver, shared));
    plan = planned_trial(*ex, t.row);
  } catch (const std::exception& e) {
    throw SpecError("", sparse_refusal(t, 0) + "planning its experiment again failed: " + e.what());
  }
  if (!plan) throw SpecError("", sparse_refusal(t, 0) + "its trial_index is outside its experiment's plan now");
  const std::int64_t every = (*plan)->record_every;
  if (const std::string why = row_difference(t.row, *plan); !why.empty())
    throw SpecError("", sparse_refusal(t, every) + "its row is not its planned trial: " + why);
  const PointConfig& p = **plan;
  const SchedulePtr schedule = build_schedule(resolver, p.schedule, "/schedule", schedule_context(p));
  const std::int64_t n = t.steps_done;
  std::vector<double> sched(static_cast<std::size_t>(n + 1));
  for (std::int64_t i = 0; i <= n; ++i) sched[static_cast<std::size_t>(i)] = schedule->value(i);

  std::map<std::int64_t, double> at;  // recorded rates, for telling where an event applies
  for (const auto& [step, lr] : rows) at[step] = lr;
  const auto refuse = [&](const std::string& why) {
    throw SpecError("", sparse_refusal(t, every) + why + ": rerun it with \"record\": {\"every_steps\": 1} to export its rates");
  };

  // (first step it applies to, the combined factor from there on), in event order.
  std::vector<std::pair<std::int64_t, double>> changes;
  double factor = 1.0;
  sqlite::Statement ev(c, "SELECT step, source, kind, old_lr, new_lr FROM events WHERE trial_id = ?1 ORDER BY event_id");
  ev.bind(1, t.row.trial_id);
  while (ev.step()) {
    if (ev.is_null(3) || ev.is_null(4)) continue;
    const std::int64_t s = ev.int64(0);
    const double old_lr = ev.real(3), new_lr = ev.real(4);
    if (same_bits(old_lr, new_lr) || s >= n) continue;  // no change, or after the last update
    const std::string what = ev.text(1) + " " + ev.text(2) + " at step " + count(s);
    // Where it applies: the step whose rate old_lr was (before update s, or after it: s + 1).
    std::vector<std::int64_t> fits;
    for (std::int64_t from : {s, s + 1})
      if (from <= n && within_1e12(sched[static_cast<std::size_t>(from)] * factor, old_lr)) fits.push_back(from);
    if (fits.empty()) refuse("the event " + what + " (old_lr " + analysis::exact(old_lr) + ") does not fit the rebuilt schedule");
    const double before = sched[static_cast<std::size_t>(s)] * factor;
    const std::int64_t from = fits.back();
    const double denominator = sched[static_cast<std::size_t>(from)];
    if (denominator == 0.0 || !std::isfinite(denominator))
      refuse("the schedule's rate is " + message_number(denominator) + " where the event " + what + " applies");
    const double next = new_lr / denominator;
    if (fits.size() == 2 && !within_1e12(before, sched[static_cast<std::size_t>(s)] * next)) {
      // Step s's rate is the old or the new one: only its row can say.
      const auto row = at.find(s);
      if (row == at.end()) refuse("the event " + what + " may apply from update " + count(s) + " or " + count(s + 1) + ", and step " + count(s) + " has no row");
      if (within_1e12(row->second, sched[static_cast<std::size_t>(s)] * next)) {
        changes.emplace_back(s, next);
        factor = next;
        continue;
      }
    }
    changes.emplace_back(from, next);
    factor = next;
  }
  std::vector<double> lr(static_cast<std::size_t>(n));
  std::size_t k = 0;
  factor = 1.0;
  for (std::int64_t i = 0; i < n; ++i) {
    while (k < changes.size() && changes[k].first <= i) factor = changes[k++].second;
    lr[static_cast<std::size_t>(i)] = sched[static_cast<std::size_t>(i)] * factor;
  }
  for (const auto& [step, stored] : rows)
    if (!within_1e12(lr[static_cast<std::size_t>(step)], stored))
      refuse("the rebuilt rate of step " + count(step) + " (" + analysis::exact(lr[static_cast<std::size_t>(step)]) +
             ") is not the recorded one (" + analysis::exact(stored) + ")");
  return lr;
}

RateTable trial_rates(const ExportScheduleOptions& o) {
  std::error_code ec;
  if (!fs::is_regular_file(o.db, ec)) throw SpecError("", "--db " + o.db + ": no such file (the results database to export a trial from)");
  try {
    Store::check_usable(o.db);
  } catch (const StoreError& e) {
    throw SpecError("", "--db " + o.db + " is not an lrlab results database: " + e.what());
  }
  const sqlite::Connection c = sqlite::open_read_only(o.db);
  if (!c.has_column("trials", "config_json") || !c.has_column("experiments", "spec_json"))
    throw SpecError("", "--db " + o.db + " holds no lrlab experiment (an empty file?)");
  if (o.trial < 0) throw SpecError("", best_trial_hint(c, o.db));
  const TrialRow t = trial_row(c, o.trial, o.db);
  const std::string& status = t.row.status;
  if (status == "pending" || status == "running")
    throw SpecError("", "trial " + count(o.trial) + " is " + status + ": it has not finished (finish it with `lrlab run` on its spec)");
  if (status == "failed")
    throw SpecError("", "trial " + count(o.trial) + " failed: its rates are not a trial's; see its error with `lrlab query " + o.db +
                            " \"SELECT error FROM trials WHERE trial_id = " + count(o.trial) + "\"`");
  const std::int64_t n = t.steps_done;
  if (n <= 0) throw SpecError("", "trial " + count(o.trial) + " (" + status + ") applied no update: it has no rate to export");

  const Json config = Json::parse(t.row.config_json);
  RateTable r;
  // A recorded trial (lrlab.Recorder: a loop lrlab did not run) has the loop's own configuration,
  // without an optimizer section: its largest rate stands for the optimizer's learning rate.
  const bool recorded_loop = Json::parse(t.spec_json, nullptr, false).value("recorded", false);
  if (!recorded_loop) r.base_lr = config.at("optimizer").at("learning_rate").get<double>();
  r.about = {"Trial " + count(o.trial) + " of experiment \"" + t.experiment + "\" (" + o.db + "), repeat " + count(t.row.repeat) +
                 ", seed " + count(t.row.seed) + ", status " + status + ": its effective rates (schedule x policy factors)",
             "of steps 0.." + count(n - 1) + ", "};
  // Its lineage: a PBT copy carries its parent's state from the step it began at.
  std::vector<Segment> lineage;
  if (c.has_column("lineage", "parent_trial_id")) lineage = lineage_of(c, o.trial);
  else lineage.push_back(Segment{o.trial, 0, config});
  std::vector<std::pair<std::int64_t, double>> rows;
  for (std::size_t i = 0; i < lineage.size(); ++i) {
    const std::int64_t to = i + 1 < lineage.size() ? lineage[i + 1].from_step : n;
    const auto part = recorded(c, lineage[i].trial_id, lineage[i].from_step, to);
    rows.insert(rows.end(), part.begin(), part.end());
  }
  const bool whole = static_cast<std::int64_t>(rows.size()) == n &&
                     std::all_of(rows.begin(), rows.end(), [i = std::int64_t{0}](const auto& row) mutable { return row.first == i++; });
  if (whole) {
    for (const auto& row : rows) r.lr.push_back(row.second);
    r.about.back() += "as its steps table recorded them" +
                      (lineage.size() > 1 ? std::string(" along its PBT lineage (trials") : std::string());
    if (lineage.size() > 1) {
      for (const Segment& s : lineage) r.about.back() += " " + count(s.trial_id) + " from " + count(s.from_step);
      r.about.back() += ")";
    }
    r.about.back() += ".";
  } else {
    if (recorded_loop)
      throw SpecError("", "trial " + count(o.trial) + " was recorded from a loop lrlab did not run (lrlab.Recorder) without a row "
                              "for every step: its rates between the recorded steps are unknown (record every step to export them)");
    if (lineage.size() > 1)
      throw SpecError("", sparse_refusal(t, 0) + "it continues a PBT lineage, whose rates cannot be rebuilt from one configuration: "
                                                 "rerun it with \"record\": {\"every_steps\": 1} to export its rates");
    r.lr = rebuilt_rates(c, t, o.db, o.plugin_dirs, rows);
    r.about.back() += "rebuilt from its configuration and its events (it recorded every k-th step), matching every recorded row.";
  }
  if (recorded_loop) {
    r.base_lr = *std::max_element(r.lr.begin(), r.lr.end());
    if (!(r.base_lr > 0)) r.base_lr = 1.0;
  }
  r.about.push_back("Configuration: " + t.row.config_json);
  for (std::size_t i = 0; i < r.lr.size(); ++i)
    if (!std::isfinite(r.lr[i])) throw SpecError("", "trial " + count(o.trial) + "'s rate at step " + count(static_cast<std::int64_t>(i)) + " is " + message_number(r.lr[i]));
  return r;
}

int export_schedule(const ExportScheduleOptions& o, const CLI::App& cmd) {
  const auto given = [&](const char* name) { return cmd.count(name) > 0; };
  static const char* const formats[] = {"pytorch", "keras", "optax", "csv"};
  if (std::find(std::begin(formats), std::end(formats), o.format) == std::end(formats))
    throw SpecError("", "--format must be pytorch, keras, optax or csv; received \"" + o.format + "\"");
  const bool from_schedule = given("--schedule"), from_db = given("--db");
  if (from_schedule == from_db)
    throw SpecError("", std::string(from_db ? "--schedule and --db together" : "neither --schedule nor --db") +
                            ": export either a schedule (--schedule JSON --steps N) or a trial (--db DB --trial ID)");
  if (from_schedule) {
    if (!given("--steps")) throw SpecError("", "--schedule needs --steps N: the number of steps to export");
    if (given("--trial")) throw SpecError("", "--trial is for --db: a trial of a results database");
  } else {
    for (const char* name : {"--steps", "--base-lr", "--steps-per-epoch"})
      if (given(name))
        throw SpecError("", std::string(name) + " is for --schedule: a trial's steps, base rate and epochs are its own");
  }
  const RateTable r = from_schedule ? schedule_rates(o) : trial_rates(o);
  std::ostringstream text;
  write_rates_as(text, r, o.format);
  if (o.output.empty()) {
    std::cout << text.str();
    std::cout.flush();
    if (!std::cout) throw StoreError("writing stdout failed");
    return exit_ok;
  }
  OutputFile file(o.output);
  file.stream() << text.str();
  file.commit();
  const std::size_t runs = rate_runs(r.lr).rates.size();
  std::cerr << "lrlab: wrote the rates of " << r.lr.size() << " steps (" << runs << (runs == 1 ? " run" : " runs") << ") as " << o.format
            << " to " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_export_schedule(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportScheduleOptions>();
  auto* cmd = app.add_subcommand("export-schedule",
                                 "write a schedule's or a trial's learning rates as PyTorch, Keras or Optax code, or as csv");
  cmd->add_option("--schedule", o->schedule, "the schedule as JSON (as for preview)");
  cmd->add_option("--steps", o->steps, "with --schedule: the number of steps (at most 10,000,000)")
      ->check(positive_number())
      ->check([](const std::string& v) {
        // A table of 10^7 rates is a 300 MB Python file that takes minutes and gigabytes to import.
        try {
          return std::stod(v) <= max_export_steps ? std::string() : "at most 10000000 steps, received " + v;
        } catch (const std::exception&) {
          return std::string();
        }
      });
  cmd->add_option("--base-lr", o->base_lr, "with --schedule: the optimizer's learning_rate (default 0.001)")->check(positive_number());
  cmd->add_option("--steps-per-epoch", o->steps_per_epoch, "with --schedule: for \"unit\": \"epoch\" (default 1)")
      ->check(positive_number());
  cmd->add_option("--db", o->db, "a results database: export one of its trials' effective rates");
  cmd->add_option("--trial", o->trial, "with --db: the trial_id")->check([](const std::string& v) {
    return v.starts_with("-") ? "must be a trial_id >= 0, received " + v : std::string();
  });
  cmd->add_option("--format", o->format, "pytorch (a LambdaLR factor function), keras (a LearningRateSchedule), "
                                         "optax (a schedule function) or csv (step,lr)")
      ->required();
  cmd->add_option("-o,--output", o->output, "file to write (default: stdout)");
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->callback([&action, o, cmd] { action = [o, cmd] { return export_schedule(*o, *cmd); }; });
}

}  // namespace lrlab::cli
