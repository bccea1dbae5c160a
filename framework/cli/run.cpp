// lrlab run SPEC.json [--db PATH] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
//
// Validates everything first (a bad spec exits 2 and creates nothing), then resumes the latest
// experiment of that name in the database when its spec is the same, or starts a new one.
#include <unistd.h>

#include <csignal>
#include <functional>
#include <iostream>
#include <set>
#include <thread>

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

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// The libraries whose components the experiment's trials name (for the provenance of the run).
std::vector<LibraryInfo> used_libraries(const Catalog& catalog, const Experiment& ex) {
  std::set<std::string> types;
  std::function<void(const Json&)> walk = [&](const Json& j) {
    if (j.is_object()) {
      if (auto t = j.find("type"); t != j.end() && t->is_string()) types.insert(t->get<std::string>());
      for (const auto& [k, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  for (const auto& t : ex.trials) walk(t.config);
  std::vector<LibraryInfo> out;
  std::set<std::string> seen;
  for (const auto* c : catalog.components())
    if (types.count(c->name))
      if (const LibraryInfo* lib = catalog.library_of(*c); lib && seen.insert(lib->name + lib->path.string()).second)
        out.push_back(*lib);
  return out;
}

struct RunOptions {
  fs::path spec;
  std::string db;
  int jobs = 0;
  std::vector<fs::path> plugin_dirs;
  bool fresh = false;
  bool quiet = false;
  std::string command_line;
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

  // Trials are matched by identity (the hash of the resolved config and seed): if the same spec
  // now resolves differently (a plugin changed a default), mixing old and new trials would be wrong.
  std::vector<std::pair<const TrialPlan*, std::int64_t>> todo;
  for (const auto& row : store.trials(experiment_id)) {
    const TrialPlan& plan = ex.trials.at(static_cast<std::size_t>(row.trial_index));
    if (plan.key != row.trial_key)
      throw SpecError("", "trial " + std::to_string(row.trial_index) + " of \"" + ex.name + "\" in " + db_path.string() +
                              " was planned with a different resolved configuration (a plugin's defaults changed?): "
                              "rerun with --fresh to start a new experiment");
    if (!is_finished(row.status)) todo.emplace_back(&plan, row.trial_id);
  }

  const int threads = o.jobs > 0 ? o.jobs : static_cast<int>(std::thread::hardware_concurrency());
  store.begin_run(experiment_id, RunInfo{resumed, threads, 1, o.command_line, used_libraries(catalog, ex)});

  install_signal_handlers();
  TrialEnv env;
  env.host = host_name();
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
  const int rc = g_stop.load() ? exit_interrupted : r.failed > 0 ? exit_trial_failed : exit_ok;
  store.end_run(rc, ran, r.failed);
  return rc;
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
  cmd->callback([&action, o] {
    o->command_line = invocation();
    action = [o] { return run(*o); };
  });
}

}  // namespace lrlab::cli
