// lrlab run SPEC.json [--db PATH] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
//
// Validates everything first (a bad spec exits 2 and creates nothing), then resumes the latest
// experiment of that name in the database when its spec is the same, or starts a new one.
// Started by mpirun as one of several ranks, the same command runs one sweep across them
// (mpi_sweep.hpp): every rank plans, rank 0 alone opens the database.
#include <unistd.h>

#include <csignal>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "commands.hpp"
#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/mpi_sweep.hpp"
#include "lrlab/sha256.hpp"
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

// What every rank builds from the spec before anything runs.
struct Planned {
  std::optional<Catalog> catalog;
  std::optional<Resolver> resolver;
  SharedData shared;
  Experiment ex;
};

void plan(const RunOptions& o, Planned& p) {
  const Spec spec = load_spec(o.spec);
  p.catalog.emplace(Catalog::standard(o.plugin_dirs));
  p.resolver.emplace(*p.catalog);
  p.ex = plan_experiment(spec, *p.resolver, p.shared);
}

fs::path db_path_of(const RunOptions& o, const Experiment& ex) {
  return o.db.empty() ? fs::path("results") / (ex.name + ".db") : fs::path(o.db);
}

// The database side of a run: the experiment resumed or created, and the trials left to run.
struct Opened {
  fs::path db_path;
  std::optional<Store> store;
  std::int64_t experiment_id = 0;
  bool resumed = false;
  std::vector<std::pair<const TrialPlan*, std::int64_t>> todo;
};

void open_store(const RunOptions& o, const Experiment& ex, Opened& d) {
  d.db_path = db_path_of(o, ex);
  Store::check_usable(d.db_path);
  if (d.db_path.has_parent_path()) fs::create_directories(d.db_path.parent_path());
  d.store.emplace(d.db_path);
  Store& store = *d.store;

  auto latest = store.latest_experiment(ex.name);
  if (latest && !o.fresh) {
    if (latest->spec_sha256 != ex.spec_sha256)
      throw SpecError("", d.db_path.string() + " already holds experiment \"" + ex.name +
                              "\" with a different spec (sha256 " + latest->spec_sha256.substr(0, 12) + ", this spec " +
                              ex.spec_sha256.substr(0, 12) +
                              "): rerun with --fresh to add a new experiment to it, or choose another --db");
    d.experiment_id = latest->id;
    d.resumed = true;
    store.reset_unfinished(d.experiment_id);
  } else {
    d.experiment_id = store.create_experiment(ex);
  }

  // Trials are matched by identity (the hash of the resolved config and seed): if the same spec
  // now resolves differently (a plugin changed a default), mixing old and new trials would be wrong.
  for (const auto& row : store.trials(d.experiment_id)) {
    const TrialPlan& plan = ex.trials.at(static_cast<std::size_t>(row.trial_index));
    if (plan.key != row.trial_key)
      throw SpecError("", "trial " + std::to_string(row.trial_index) + " of \"" + ex.name + "\" in " + d.db_path.string() +
                              " was planned with a different resolved configuration (a plugin's defaults changed?): "
                              "rerun with --fresh to start a new experiment");
    if (!is_finished(row.status)) d.todo.emplace_back(&plan, row.trial_id);
  }
}

TrialEnv trial_env(Planned& p, int rank) {
  TrialEnv env;
  env.host = host_name();
  env.rank = rank;
  env.resolver = &*p.resolver;
  env.experiment_seed = p.ex.seed;
  env.spec_dir = p.ex.spec_dir;
  env.shared = &p.shared;
  env.stop = &g_stop;
  return env;
}

SweepOptions sweep_options(const RunOptions& o) {
  SweepOptions so;
  so.jobs = o.jobs;
  so.progress = !o.quiet;
  so.stop = &g_stop;
  return so;
}

int threads_of(const RunOptions& o) {
  return o.jobs > 0 ? o.jobs : static_cast<int>(std::thread::hardware_concurrency());
}

// The summary line and the end of the `runs` row; returns the exit code.
int finish(const Experiment& ex, Opened& d, const SweepReport& r, int ranks) {
  const std::int64_t ran = static_cast<std::int64_t>(d.todo.size()) - r.interrupted;
  std::fprintf(stderr,
               "lrlab: %s: %lld trials in %.1f s (%.2f trials/s%s): %lld completed, %lld stopped early, %lld diverged, "
               "%lld failed%s%s -> %s\n",
               ex.name.c_str(), static_cast<long long>(ran), r.seconds, r.seconds > 0 ? ran / r.seconds : 0.0,
               ranks > 1 ? (" on " + std::to_string(ranks) + " MPI ranks").c_str() : "",
               static_cast<long long>(r.completed), static_cast<long long>(r.stopped_early),
               static_cast<long long>(r.diverged), static_cast<long long>(r.failed),
               d.resumed ? (", resumed with " + std::to_string(r.skipped) + " already done").c_str() : "",
               r.interrupted ? (", interrupted: " + std::to_string(r.interrupted) + " left for a rerun").c_str() : "",
               d.db_path.string().c_str());
  for (const auto& [index, error] : r.failures)
    std::fprintf(stderr, "lrlab: trial %lld failed: %s\n", static_cast<long long>(index), error.c_str());
  // Across ranks a sweep can also be cut short by another rank's signal or a lost rank.
  const bool interrupted = g_stop.load() || (ranks > 1 && r.interrupted > 0);
  const int rc = interrupted ? exit_interrupted : r.failed > 0 ? exit_trial_failed : exit_ok;
  d.store->end_run(rc, ran, r.failed);
  return rc;
}

int run_local(const RunOptions& o) {
  Planned p;
  plan(o, p);
  Opened d;
  open_store(o, p.ex, d);
  d.store->begin_run(d.experiment_id, RunInfo{d.resumed, threads_of(o), 1, o.command_line, used_libraries(*p.catalog, p.ex)});

  install_signal_handlers();
  const SweepReport r = run_sweep(p.ex, trial_env(p, 0), *d.store, d.todo, sweep_options(o));
  return finish(p.ex, d, r, 1);
}

#ifdef LRLAB_WITH_MPI
// What two ranks must share to run one sweep: the same trials (spec, data, resolved defaults),
// the same plugin libraries and the same lrlab.
std::string fingerprint(const Planned& p) {
  std::string s = std::string(build_info::version) + " " + build_info::git_commit + "\n" + p.ex.spec_sha256 + "\n";
  for (const auto& t : p.ex.trials) s += t.key + "\n";
  for (const auto& lib : used_libraries(*p.catalog, p.ex)) s += lib.name + " " + lib.version + " " + lib.sha256 + "\n";
  return sha256_hex(s);
}

int run_mpi(const RunOptions& o) {
  mpi::Session session;
  const bool root = session.rank() == 0;
  install_signal_handlers();

  // Every rank plans; rank 0 also checks, without writing, that it can use the database. A rank
  // that fails stops them all before anything is written: the error is printed once, by rank 0.
  Planned p;
  std::exception_ptr error;
  mpi::RankInfo me;
  me.host = host_name();
  me.jobs = o.jobs;  // 0: the rank's own core count, resolved by the session
  try {
    plan(o, p);
    me.fingerprint = fingerprint(p);
    if (root) Store::check_usable(db_path_of(o, p.ex));
  } catch (const std::exception& e) {
    error = std::current_exception();
    me.error = e.what();
  }
  // Rank 0 prints the first error (its own, typed, or a worker's) and exits 2; the workers exit
  // quietly with 0, since Open MPI ends the whole job when a rank exits non-zero, which could cut
  // rank 0 short before it has said what is wrong.
  auto failed = [&](const std::string& verdict) {
    if (verdict.empty()) return false;
    if (!root) return true;
    if (error) std::rethrow_exception(error);
    throw SpecError("", verdict);
  };
  if (failed(session.agree(me))) return exit_ok;

  Opened d;
  if (root) {
    try {
      open_store(o, p.ex, d);
      d.store->begin_run(d.experiment_id, RunInfo{d.resumed, threads_of(o), session.size(), o.command_line,
                                                  used_libraries(*p.catalog, p.ex)});
    } catch (const std::exception& e) {
      error = std::current_exception();
      me.error = e.what();
    }
  }
  if (failed(session.agree(me))) return exit_ok;

  // From here the ranks depend on each other: an error on one (a full disk, a broken message)
  // ends the whole job, or the others would wait for it forever.
  try {
    if (!root) return mpi::run_worker(session, p.ex, trial_env(p, session.rank()), sweep_options(o));
    int rc = exit_ok;
    {
      const SweepReport r = mpi::run_root(session, p.ex, trial_env(p, 0), *d.store, d.todo, sweep_options(o));
      rc = finish(p.ex, d, r, session.size());
      d.store.reset();  // closed before the workers go (and before any MPI_Abort)
    }
    session.release_workers(rc);
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lrlab: error on MPI rank %d (%s): %s\n", session.rank(), me.host.c_str(), e.what());
    session.abort(exit_usage);
  }
}
#endif

int run(const RunOptions& o) {
  if (mpi::launched()) {
#ifdef LRLAB_WITH_MPI
    return run_mpi(o);
#else
    throw SpecError("", "this lrlab was built without MPI (LRLAB_MPI=OFF), so it cannot run as one of several MPI "
                        "ranks: install the MPI packages (scripts/deps.sh) and rebuild, or run it without mpirun");
#endif
  }
  return run_local(o);
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "run an experiment (resumes an unfinished one); under mpirun, across the ranks");
  cmd->add_option("spec", o->spec, "the experiment spec (JSON)")->required();
  cmd->add_option("--db", o->db, "results database (default results/<name>.db)");
  cmd->add_option("--jobs,-j", o->jobs, "trials run in parallel, per MPI rank (default: all cores)")->check(CLI::NonNegativeNumber);
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_flag("--fresh", o->fresh, "start a new experiment instead of resuming");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress line");
  cmd->callback([&action, o] {
    o->command_line = invocation();
    action = [o] { return run(*o); };
  });
}

}  // namespace lrlab::cli
