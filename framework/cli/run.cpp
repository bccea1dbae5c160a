// lrlab run SPEC.json [--db PATH] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
//
// Validates everything first (a bad spec exits 2 and creates nothing), then resumes the latest
// experiment of that name in the database when its spec is the same, or starts a new one.
#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/store.hpp"
#include "lrlab/sweep.hpp"

namespace lrlab::cli {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct RunOptions {
  fs::path spec;
  std::string db;
  int jobs = 0;
  std::vector<fs::path> plugin_dirs;
  bool fresh = false;
  bool quiet = false;
};

int run(const RunOptions& o) {
  const Spec spec = load_spec(o.spec);
  const Catalog catalog = Catalog::standard(o.plugin_dirs);
  const Resolver resolver(catalog);
  SharedData shared;
  const Experiment ex = plan_experiment(spec, resolver, shared);

  const fs::path db_path = o.db.empty() ? fs::path("results") / (ex.name + ".db") : fs::path(o.db);
  Store::check_usable(db_path);
  if (db_path.has_parent_path()) fs::create_directories(db_path.parent_path());
  Store store(db_path);

  std::int64_t experiment_id = 0;
  bool resumed = false;
  auto latest = store.latest_experiment(ex.name);
  if (latest && !o.fresh) {
    if (latest->spec_sha256 != ex.spec_sha256)
      throw SpecError("", db_path.string() + " already holds experiment \"" + ex.name +
                              "\" with a different spec (sha256 " + latest->spec_sha256.substr(0, 12) + ", this spec " +
                              ex.spec_sha256.substr(0, 12) +
                              "): rerun with --fresh to add a new experiment to it, or choose another --db");
    experiment_id = latest->id;
    resumed = true;
    store.reset_unfinished(experiment_id);
  } else {
    experiment_id = store.create_experiment(ex);
  }

  std::vector<std::pair<const TrialPlan*, std::int64_t>> todo;
  for (const auto& row : store.trials(experiment_id))
    if (!is_finished(row.status)) todo.emplace_back(&ex.trials.at(static_cast<std::size_t>(row.trial_index)), row.trial_id);

  install_signal_handlers();
  TrialEnv env;
  env.resolver = &resolver;
  env.experiment_seed = ex.seed;
  env.spec_dir = ex.spec_dir;
  env.shared = &shared;
  env.stop = &g_stop;
  SweepOptions so;
  so.jobs = o.jobs;
  so.progress = !o.quiet;
  so.stop = &g_stop;
  const SweepReport r = run_sweep(ex, env, store, todo, so);

  const std::int64_t ran = static_cast<std::int64_t>(todo.size()) - r.interrupted;
  std::fprintf(stderr,
               "lrlab: %s: %lld trials in %.1f s (%.2f trials/s): %lld completed, %lld stopped early, %lld diverged, "
               "%lld failed%s%s -> %s\n",
               ex.name.c_str(), static_cast<long long>(ran), r.seconds, r.seconds > 0 ? ran / r.seconds : 0.0,
               static_cast<long long>(r.completed), static_cast<long long>(r.stopped_early),
               static_cast<long long>(r.diverged), static_cast<long long>(r.failed),
               resumed ? (", resumed with " + std::to_string(r.skipped) + " already done").c_str() : "",
               r.interrupted ? (", interrupted: " + std::to_string(r.interrupted) + " left for a rerun").c_str() : "",
               db_path.string().c_str());
  for (const auto& [index, error] : r.failures)
    std::fprintf(stderr, "lrlab: trial %lld failed: %s\n", static_cast<long long>(index), error.c_str());
  if (g_stop.load()) return exit_interrupted;
  return r.failed > 0 ? exit_trial_failed : exit_ok;
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "run an experiment (resumes an unfinished one)");
  cmd->add_option("spec", o->spec, "the experiment spec (JSON)")->required();
  cmd->add_option("--db", o->db, "results database (default results/<name>.db)");
  cmd->add_option("--jobs,-j", o->jobs, "trials run in parallel (default: all cores)")->check(CLI::NonNegativeNumber);
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_flag("--fresh", o->fresh, "start a new experiment instead of resuming");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress line");
  cmd->callback([&action, o] { action = [o] { return run(*o); }; });
}

}  // namespace lrlab::cli
