// lrlab verify DB [--trial ID | --all]: run stored trials again and compare them bit for bit.
// Exit 0 when every verified trial is identical, 1 otherwise. Warns when the inputs (data files,
// plugin libraries, build) differ from those the experiment was made from (a difference is then
// expected).
#include <iostream>
#include <map>

#include "commands.hpp"
#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/inputs.hpp"
#include "lrlab/store.hpp"
#include "lrlab/verify.hpp"

namespace lrlab::cli {
namespace fs = std::filesystem;
namespace {

struct VerifyOptions {
  std::string db;
  std::int64_t trial = -1;
  bool all = false;
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
  sqlite::Statement p(c, "SELECT plugin, path, sha256 FROM run_plugins WHERE run_id = ?1");
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

int verify(const VerifyOptions& o) {
  if (!fs::exists(o.db)) throw StoreError("no database at " + o.db);
  Store::check_usable(o.db);
  sqlite::Connection c(o.db, SQLITE_OPEN_READONLY);

  std::int64_t experiment_id = -1;
  if (o.trial >= 0) {
    sqlite::Statement s(c, "SELECT experiment_id FROM trials WHERE trial_id = ?1");
    s.bind(1, o.trial);
    if (!s.step()) throw SpecError("", "no trial with trial_id " + std::to_string(o.trial) + " in " + o.db);
    experiment_id = s.int64(0);
  } else {
    sqlite::Statement s(c, "SELECT max(experiment_id) FROM experiments");
    if (!s.step() || s.is_null(0)) throw SpecError("", o.db + " holds no experiment");
    experiment_id = s.int64(0);
  }
  sqlite::Statement e(c, "SELECT spec_json, spec_path, name FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment_id);
  e.step();
  const fs::path spec_path = e.text(1);
  const Spec spec = parse_spec(e.text(0), o.db + " (experiment " + e.text(2) + ")",
                               spec_path.empty() ? fs::path(".") : spec_path.parent_path());

  const Catalog catalog = Catalog::standard(o.plugin_dirs);
  const Resolver resolver(catalog);
  SharedData shared;
  const Experiment ex = plan_experiment(spec, resolver, shared);
  warn_on_inputs(c, experiment_id, catalog, collect_inputs(shared, used_libraries(catalog, ex)));
  TrialEnv env;
  env.resolver = &resolver;
  env.experiment_seed = ex.seed;
  env.spec_dir = ex.spec_dir;
  env.shared = &shared;

  sqlite::Statement t(c, "SELECT trial_id, trial_index, status, trial_key FROM trials WHERE experiment_id = ?1 "
                         "AND (?2 < 0 OR trial_id = ?2) ORDER BY trial_index");
  t.bind(1, experiment_id).bind(2, o.trial);
  std::size_t checked = 0, differing = 0;
  while (t.step()) {
    const std::int64_t id = t.int64(0), index = t.int64(1);
    const std::string status = t.text(2);
    if (!is_finished(status)) {
      std::cout << "trial " << id << " (index " << index << "): " << status << ", not verified\n";
      continue;
    }
    const TrialConfig& plan = ex.trials.at(static_cast<std::size_t>(index));
    ++checked;
    if (plan.key != t.text(3)) {
      ++differing;
      std::cout << "trial " << id << " (index " << index << "): DIFFERS: its configuration resolves differently now\n";
      continue;
    }
    const Verdict v = verify_trial(c, id, plan, env);
    if (v.identical) {
      std::cout << "trial " << id << " (index " << index << "): identical (" << v.steps << " steps, " << v.evals
                << " evals, " << v.events << " events)\n";
    } else {
      ++differing;
      std::cout << "trial " << id << " (index " << index << "): DIFFERS at " << v.difference << "\n";
    }
  }
  std::cerr << "lrlab: verified " << checked << " trials: " << checked - differing << " identical, " << differing
            << " different\n";
  return differing == 0 ? exit_ok : exit_trial_failed;
}
}  // namespace

void add_verify(CLI::App& app, Action& action) {
  auto o = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "rerun stored trials and compare them with the database, bit for bit");
  cmd->add_option("db", o->db, "the results database")->required();
  auto* trial = cmd->add_option("--trial", o->trial, "verify this trial_id");
  cmd->add_flag("--all", o->all, "verify every finished trial of the latest experiment (the default)")->excludes(trial);
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->callback([&action, o] { action = [o] { return verify(*o); }; });
}

}  // namespace lrlab::cli
