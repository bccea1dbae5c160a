// lrlab verify DB [--trial ID [--save-model FILE] | --all]: run stored trials again and compare them
// bit for bit: the latest experiment's, one trial, or every experiment's (--all). With
// --save-model, the trial's model as it ended (a torchscript task's TorchScript file) is written to
// FILE when, and only when, the rerun is identical to the stored trial: the weights are the stored
// trial's, proven by its every row. A stored trials row must also be
// the planned trial of its index (trial_key, config_json, seed, repeat, grid_json), and every
// planned trial must have a row. Exit 0 when every verified trial is identical, 1 otherwise. Warns
// when the inputs (data files, plugin libraries, build) differ from those the experiment was made
// from (a difference is then expected).
#include <algorithm>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "output_file.hpp"
#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/inputs.hpp"
#include "lrlab/replay.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/stored_spec.hpp"
#include "lrlab/store.hpp"
#include "lrlab/verify.hpp"

namespace lrlab::cli {
namespace fs = std::filesystem;
namespace {

struct VerifyOptions {
  std::string db;
  std::int64_t trial = -1;
  bool all = false;
  std::string save_model;  // with --trial: write its model here when identical
  std::vector<fs::path> plugin_dirs;
};

// Differences between what the experiment was made from and what verify uses now: the trials may
// then differ, which is worth knowing before reading the verdicts.
void warn_on_inputs(const sqlite::Connection& c, std::int64_t experiment_id, const Catalog& catalog,
                    const std::vector<Input>& now) {
  const std::vector<Input> recorded = Store::recorded_inputs(c, experiment_id);
  if (!recorded.empty()) {
    for (const auto& change : input_changes(recorded, now, "at creation", "now"))
      std::cerr << "lrlab: warning: " << change << "\n";
    return;
  }
  // Made before inputs were recorded: the latest run's build and plugins are what there is.
  sqlite::Statement r(c, "SELECT run_id, lrlab_version, git_commit FROM runs WHERE experiment_id = ?1 ORDER BY run_id DESC LIMIT 1");
  r.bind(1, experiment_id);
  if (!r.step()) return;
  const std::int64_t run_id = r.int64(0);
  if (r.text(1) != build_info::version || r.text(2) != build_info::git_commit)
    std::cerr << "lrlab: warning: the trials were run by lrlab " << r.text(1) << " (" << r.text(2).substr(0, 12)
              << "), this is lrlab " << build_info::version << " (" << std::string(build_info::git_commit).substr(0, 12)
              << ")\n";
  std::map<std::string, const LibraryInfo*> loaded;
  for (const auto& lib : catalog.libraries()) loaded[lib.name] = &lib;
  // Only the libraries whose components the trials ran (schema 3 and older recorded only those).
  sqlite::Statement p(c, std::string("SELECT plugin, path, sha256 FROM run_plugins WHERE run_id = ?1") +
                             (c.has_column("run_plugins", "used") ? " AND used = 1" : ""));
  p.bind(1, run_id);
  while (p.step()) {
    auto it = loaded.find(p.text(0));
    if (it == loaded.end())
      std::cerr << "lrlab: warning: plugin " << p.text(0) << " (" << p.text(1) << ") used by the run is not loaded now\n";
    else if (it->second->sha256 != p.text(2))
      std::cerr << "lrlab: warning: plugin " << p.text(0) << " differs from the one recorded: " << it->second->path.string()
                << " has sha256 " << it->second->sha256.substr(0, 12) << ", the run used " << p.text(1) << " with "
                << p.text(2).substr(0, 12) << "\n";
  }
}

struct Tally {
  std::size_t checked = 0, differing = 0;
  std::size_t recorded = 0;  // of the checked: recorded trials, whose rows were checked, not rerun
};

// A recorded experiment (lrlab.Recorder: a loop lrlab did not run) has no spec to rerun: each
// finished trial's rows are checked for agreeing with each other instead (verify.hpp).
void verify_recorded(const sqlite::Connection& c, std::int64_t experiment_id, std::int64_t trial_id, Tally& tally) {
  Store::each_trial(c, experiment_id, [&](const StoredTrial& row) {
    if (trial_id >= 0 && row.trial_id != trial_id) return;
    const std::string which = "trial " + std::to_string(row.trial_id) + " (index " + std::to_string(row.trial_index) + "): ";
    if (!is_finished(row.status)) {
      std::cout << which << row.status << ", not verified\n";
      return;
    }
    ++tally.checked;
    Verdict counts;
    const std::string why = recorded_trial_problem(c, row, counts);
    if (!why.empty()) {
      ++tally.differing;
      std::cout << which << "DIFFERS: " << why << "\n";
      return;
    }
    ++tally.recorded;
    std::cout << which << "recorded, rows consistent (" << counts.steps << " steps, " << counts.evals << " evals, "
              << counts.events << " events; a recorded loop is not rerun)\n";
  });
}

// Verify the finished trials of one experiment (only `trial_id` when >= 0), planned again from its
// stored spec. Each stored row must be a planned trial and equal to it; with every trial verified,
// each planned trial must have a row.
void verify_experiment(const sqlite::Connection& c, std::int64_t experiment_id, std::int64_t trial_id, const std::string& db,
                       const Catalog& catalog, Tally& tally, const std::string& save_model = {}) {
  sqlite::Statement e(c, std::string("SELECT spec_json, spec_path, name, ") +
                            (c.has_column("experiments", "kind") ? "kind" : "'sweep'") + " FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment_id);
  if (!e.step()) throw SpecError("", "no experiment with experiment_id " + std::to_string(experiment_id) + " in " + db);
  if (e.text(3) == "recorded") {
    if (!save_model.empty())
      throw SpecError("", "trial " + std::to_string(trial_id) + " was recorded from a loop lrlab did not run: it has no model to save");
    return verify_recorded(c, experiment_id, trial_id, tally);
  }
  const fs::path spec_path = e.text(1);
  const Spec spec = parse_spec(e.text(0), db + " (experiment " + e.text(2) + ")",
                               spec_path.empty() ? fs::path(".") : spec_path.parent_path());
  const Resolver resolver(catalog);
  SharedData shared;
  const Experiment ex = plan_experiment(spec, resolver, shared);
  warn_on_inputs(c, experiment_id, catalog, collect_inputs(shared, used_libraries(catalog, ex)));
  TrialEnv env;
  env.resolver = &resolver;
  env.spec_dir = ex.spec_dir;
  env.shared = &shared;

  std::vector<bool> stored(ex.trials.size(), false);
  Store::each_trial(c, experiment_id, [&](const StoredTrial& row) {
    if (trial_id >= 0 && row.trial_id != trial_id) return;
    const std::string which = "trial " + std::to_string(row.trial_id) + " (index " + std::to_string(row.trial_index) + "): ";
    std::optional<TrialConfig> plan = planned_trial(ex, row);
    if (plan && row.trial_index < ex.trials.size()) stored[static_cast<std::size_t>(row.trial_index)] = true;
    const std::string why = plan ? row_difference(row, *plan)
                                 : "its trial_index is outside the plan's 0 .. " + std::to_string(ex.trials.size() - 1) +
                                       " (the row was edited)";
    if (!why.empty()) {
      ++tally.checked;
      ++tally.differing;
      std::cout << which << "DIFFERS: " << why << "\n";
      return;
    }
    if (!is_finished(row.status)) {
      if (!save_model.empty())
        throw SpecError("", "trial " + std::to_string(row.trial_id) + " is " + row.status + ": " + save_model +
                                " not written (only a finished trial's model is saved, from a rerun identical to it)");
      std::cout << which << row.status << ", not verified\n";
      return;
    }
    ++tally.checked;
    // A PBT copy began from another trial's state: its lineage replayed as one trial (replay.hpp)
    // gives its rows from the step it began at.
    std::int64_t from_step = 0;
    std::optional<Experiment> replay;
    if (ex.pbt) {
      const std::vector<Segment> segments = lineage_of(c, row.trial_id);
      if (segments.size() > 1) {
        from_step = segments.back().from_step;
        const Spec rs = parse_spec(replay_spec(c, row.trial_id).dump(), db + " (replay of trial " +
                                   std::to_string(row.trial_id) + ")", ex.spec_dir);
        replay.emplace(plan_experiment(rs, resolver, shared));
        plan = replay->trials.at(0);
      }
    }
    // The target is checked (an SQLite file, a folder, no such folder) before the rerun.
    std::optional<OutputFile> model;
    if (!save_model.empty()) model.emplace(save_model);
    std::string model_error;
    const auto save = [&](TrialRun& run) {
      try {
        run.save_model(model->stream());
      } catch (const std::exception& e) {
        model.reset();
        model_error = e.what();
      }
    };
    const Verdict v = verify_trial(c, row.trial_id, *plan, env, from_step,
                                   save_model.empty() ? std::function<void(TrialRun&)>() : save);
    if (!model_error.empty())
      throw SpecError("", "trial " + std::to_string(row.trial_id) + ": " + save_model + " not written: " + model_error);
    if (v.identical) {
      std::cout << which << "identical (" << v.steps << " steps, " << v.evals << " evals, " << v.events << " events)\n";
      if (model) {
        model->commit();
        std::cerr << "lrlab: wrote " << save_model << ": trial " << row.trial_id
                  << "'s model as it ended, from a rerun identical to the stored trial\n";
      }
    } else {
      if (model) std::cerr << "lrlab: " << save_model << " not written: the rerun differs from the stored trial\n";
      ++tally.differing;
      std::cout << which << "DIFFERS at " << v.difference << "\n";
    }
  });
  if (trial_id >= 0) return;
  for (std::size_t i = 0; i < stored.size(); ++i)
    if (!stored[i]) {
      ++tally.checked;
      ++tally.differing;
      std::cout << "trial index " << i << ": DIFFERS: planned, but the database has no row for it (deleted?)\n";
    }
}

int verify(const VerifyOptions& o) {
  sqlite::Connection c = sqlite::open_read_only(o.db);
  Store::check_usable(o.db);

  // Which experiments: the trial's, every one (--all), or the latest.
  std::vector<std::int64_t> experiments;
  if (o.trial >= 0) {
    sqlite::Statement s(c, "SELECT experiment_id FROM trials WHERE trial_id = ?1");
    s.bind(1, o.trial);
    if (!s.step()) throw SpecError("", "no trial with trial_id " + std::to_string(o.trial) + " in " + o.db);
    experiments.push_back(s.int64(0));
  } else {
    sqlite::Statement s(c, o.all ? "SELECT experiment_id FROM experiments ORDER BY experiment_id"
                                 : "SELECT max(experiment_id) FROM experiments");
    while (s.step() && !s.is_null(0)) experiments.push_back(s.int64(0));
    if (experiments.empty()) throw SpecError("", o.db + " holds no experiment");
  }

  Catalog catalog = Catalog::standard(o.plugin_dirs);
  load_recorded_plugins(c, experiments, catalog);
  Tally tally;
  for (const std::int64_t id : experiments) {
    if (o.all) {
      sqlite::Statement n(c, "SELECT name FROM experiments WHERE experiment_id = ?1");
      n.bind(1, id);
      n.step();
      std::cout << "experiment " << id << " (" << n.text(0) << "):\n";
    }
    verify_experiment(c, id, o.trial, o.db, catalog, tally, o.save_model);
  }
  std::cerr << "lrlab: verified " << tally.checked << " trials"
            << (o.all ? " of " + std::to_string(experiments.size()) + " experiments" : std::string()) << ": "
            << tally.checked - tally.differing - tally.recorded << " identical, " << tally.differing << " different"
            << (tally.recorded ? ", " + std::to_string(tally.recorded) + " recorded (rows consistent, not rerun)" : std::string())
            << "\n";
  return tally.differing == 0 ? exit_ok : exit_trial_failed;
}
}  // namespace

void add_verify(CLI::App& app, Action& action) {
  auto o = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "rerun stored trials and compare them with the database, bit for bit");
  cmd->add_option("db", o->db, "the results database")->required();
  auto* trial = cmd->add_option("--trial", o->trial, "verify this trial_id");
  cmd->add_flag("--all", o->all, "verify every experiment in the database (default: the latest one)")->excludes(trial);
  cmd->add_option("--save-model", o->save_model,
                  "with --trial: write the trial's model as it ended (torchscript: a TorchScript file) to this "
                  "file, when the rerun is identical")
      ->needs(trial)
      ->check([](const std::string& f) { return f.empty() ? std::string("an empty file name") : std::string(); });
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->callback([&action, o] { action = [o] { return verify(*o); }; });
}

}  // namespace lrlab::cli
