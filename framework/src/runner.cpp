#include "lrlab/runner.hpp"

#include <unistd.h>

#include <functional>
#include <optional>
#include <set>
#include <thread>

#include "lrlab/build_info.hpp"
#include "lrlab/catalog.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/exit_codes.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/mpi_transport.hpp"
#include "lrlab/process_transport.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/store.hpp"
#include "lrlab/thread_transport.hpp"
#include "lrlab/trial_pool.hpp"
#include "lrlab/writer_lock.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
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
  const PointConfig* last = nullptr;
  for (const auto& t : ex.trials) {
    if (t.point.get() == last) continue;  // the repeats of a point share its configuration
    last = t.point.get();
    walk(t->task);
    walk(t->schedule);
    for (const auto& p : t->policies) walk(p);
  }
  std::vector<LibraryInfo> out;
  std::set<std::string> seen;
  for (const auto* c : catalog.components())
    if (types.count(c->name))
      if (const LibraryInfo* lib = catalog.library_of(*c); lib && seen.insert(lib->name + lib->path.string()).second)
        out.push_back(*lib);
  return out;
}

// What every process builds from the spec before anything runs.
struct Planned {
  std::optional<Catalog> catalog;
  std::optional<Resolver> resolver;
  SharedData shared;
  Experiment ex;

  explicit Planned(const RunRequest& r) {
    const Spec spec = load_spec(r.spec);
    catalog.emplace(Catalog::standard(r.plugin_dirs));
    resolver.emplace(*catalog);
    ex = plan_experiment(spec, *resolver, shared);
  }

  TrialEnv env(int rank) {
    TrialEnv e;
    e.host = host_name();
    e.rank = rank;
    e.resolver = &*resolver;
    e.experiment_seed = ex.seed;
    e.spec_dir = ex.spec_dir;
    e.shared = &shared;
    e.checkpoint_every = ex.checkpoint_every;
    return e;
  }
};

fs::path db_path_of(const RunRequest& r, const Experiment& ex) {
  return r.db.empty() ? fs::path("results") / (ex.name + ".db") : r.db;
}

// The database side of a run: the experiment resumed or created, and the trials left to run.
struct Opened {
  fs::path db_path;
  std::optional<WriterLock> lock;  // held while the store is open: declared first, released last
  std::optional<Store> store;
  std::int64_t experiment_id = 0;
  bool resumed = false;
  std::vector<Work> todo;
};

void open_store(const RunRequest& r, const Experiment& ex, Opened& d) {
  d.db_path = db_path_of(r, ex);
  Store::check_usable(d.db_path);
  if (d.db_path.has_parent_path()) fs::create_directories(d.db_path.parent_path());
  d.lock.emplace(d.db_path, r.command_line.empty() ? "lrlab run " + r.spec.string() : r.command_line);
  Store::remove_creation_leftovers(d.db_path);  // a killed creator's temporary files: nobody else can be creating it now
  d.store.emplace(d.db_path);
  Store& store = *d.store;

  auto latest = store.latest_experiment(ex.name);
  if (latest && !r.fresh) {
    if (latest->spec_sha256 != ex.spec_sha256)
      throw SpecError("", d.db_path.string() + " already holds experiment \"" + ex.name + "\" with a different spec (sha256 " +
                              latest->spec_sha256.substr(0, 12) + ", this spec " + ex.spec_sha256.substr(0, 12) +
                              "): rerun with --fresh to add a new experiment to it, or choose another --db");
    d.experiment_id = latest->id;
    d.resumed = true;
    store.reset_unfinished(d.experiment_id);
  } else {
    d.experiment_id = store.create_experiment(ex);
  }

  // Trials are matched by identity (the hash of the resolved config and seed): if the same spec
  // now resolves differently (a plugin changed a default), mixing old and new trials would be wrong.
  auto checkpoints = store.checkpoints(d.experiment_id);
  for (const auto& row : store.trials(d.experiment_id)) {
    const TrialConfig& trial = ex.trials.at(static_cast<std::size_t>(row.trial_index));
    if (trial.key != row.trial_key)
      throw SpecError("", "trial " + std::to_string(row.trial_index) + " of \"" + ex.name + "\" in " + d.db_path.string() +
                              " was planned with a different resolved configuration (a plugin's defaults changed?): "
                              "rerun with --fresh to start a new experiment");
    if (is_finished(row.status)) continue;
    Work w{&trial, row.trial_id, nullptr};
    if (auto it = checkpoints.find(row.trial_id); it != checkpoints.end() && it->second.trial_key == trial.key)
      w.from = std::make_shared<const Checkpoint>(std::move(it->second));
    d.todo.push_back(std::move(w));
  }
}

int threads_of(const RunRequest& r) { return r.jobs > 0 ? r.jobs : static_cast<int>(std::thread::hardware_concurrency()); }

SweepOptions sweep_options(const RunRequest& r) {
  SweepOptions so;
  so.progress = r.progress;
  so.stop = r.stop;
  return so;
}

// The end of a sweep: the summary for the caller and the end of the `runs` row.
int finish(const RunRequest& r, const Experiment& ex, Opened& d, const SweepReport& rep, int ranks,
           const std::function<void(const RunSummary&)>& report) {
  RunSummary s;
  s.name = ex.name;
  s.db_path = d.db_path;
  s.resumed = d.resumed;
  s.ranks = ranks;
  s.ran = static_cast<std::int64_t>(d.todo.size()) - rep.interrupted;
  s.report = rep;
  // Across ranks a sweep can also be cut short by another rank's signal or a lost rank.
  const bool interrupted = (r.stop && r.stop->load()) || (ranks > 1 && rep.interrupted > 0);
  s.exit_code = !rep.write_failure.empty() ? exit_write_failed
                : interrupted                  ? exit_interrupted
                : rep.failed > 0               ? exit_trial_failed
                                               : exit_ok;
  if (report) report(s);
  try {
    d.store->end_run(s.exit_code, s.ran, rep.failed);
  } catch (const StoreError&) {
    if (rep.write_failure.empty()) throw;  // the database that just failed may still be full
  }
  return s.exit_code;
}

// The argv of a worker process of `r` (--isolate): this lrlab, the same spec and plugin folders.
std::vector<std::string> worker_command(const RunRequest& r) {
  std::vector<std::string> argv{fs::read_symlink("/proc/self/exe").string(), "run", r.spec.string(), "--worker", "--quiet"};
  for (const auto& d : r.plugin_dirs) {
    argv.push_back("--plugin-dir");
    argv.push_back(d.string());
  }
  return argv;
}

int run_local(const RunRequest& r, const std::function<void(const RunSummary&)>& report) {
  Planned p(r);
  Opened d;
  open_store(r, p.ex, d);
  d.store->begin_run(d.experiment_id, RunInfo{d.resumed, threads_of(r), 1, r.command_line, used_libraries(*p.catalog, p.ex)});
  std::unique_ptr<Transport> transport;
  if (r.isolate)
    transport = std::make_unique<ProcessTransport>(worker_command(r), resolved_jobs(r.jobs));
  else
    transport = std::make_unique<ThreadTransport>(p.env(0), resolved_jobs(r.jobs));
  const SweepReport rep =
      run_sweep(*transport, *d.store, d.todo, static_cast<std::int64_t>(p.ex.trials.size()), sweep_options(r));
  return finish(r, p.ex, d, rep, 1, report);
}

// A worker process of an --isolate run: plans the same experiment, then runs what it is given.
int run_worker_process(const RunRequest& r) {
  Planned p(r);
  TrialEnv env = p.env(0);
  env.stop = r.stop;
  return run_process_worker(p.ex, env);
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

int run_mpi(const RunRequest& r, const std::function<void(const RunSummary&)>& report) {
  mpi::Session session;
  const bool root = session.rank() == 0;

  // Every rank plans; rank 0 also checks, without writing, that it can use the database. A rank
  // that fails stops them all before anything is written: the error is printed once, by rank 0.
  std::optional<Planned> p;
  std::exception_ptr error;
  mpi::RankInfo me;
  me.host = host_name();
  me.jobs = r.jobs;  // 0: the rank's own core count, resolved by the session
  try {
    p.emplace(r);
    me.fingerprint = fingerprint(*p);
    if (root) Store::check_usable(db_path_of(r, p->ex));
  } catch (const std::exception& e) {
    error = std::current_exception();
    me.error = e.what();
  }
  // Rank 0 reports the first error (its own, typed, or a worker's) and exits 2; the workers exit
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
      open_store(r, p->ex, d);
      d.store->begin_run(d.experiment_id,
                         RunInfo{d.resumed, threads_of(r), session.size(), r.command_line, used_libraries(*p->catalog, p->ex)});
    } catch (const std::exception& e) {
      error = std::current_exception();
      me.error = e.what();
    }
  }
  if (failed(session.agree(me))) return exit_ok;

  // From here the ranks depend on each other: an error on one (a full disk, a broken message)
  // ends the whole job, or the others would wait for it forever.
  try {
    TrialEnv env = p->env(session.rank());
    env.stop = r.stop;
    if (!root) return mpi::run_worker(session, p->ex, env, r.jobs);
    int rc = exit_ok;
    {
      mpi::MpiTransport transport(session, env, r.jobs);
      const SweepReport rep =
          run_sweep(transport, *d.store, d.todo, static_cast<std::int64_t>(p->ex.trials.size()), sweep_options(r));
      rc = finish(r, p->ex, d, rep, session.size(), report);
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

}  // namespace

int run_experiment(const RunRequest& r, const std::function<void(const RunSummary&)>& report) {
  if (r.worker) return run_worker_process(r);
  if (mpi::launched()) {
    if (r.isolate) throw SpecError("", "--isolate runs trials in worker processes of one machine: not under mpirun");
#ifdef LRLAB_WITH_MPI
    return run_mpi(r, report);
#else
    throw SpecError("",
                    "this lrlab was built without MPI (LRLAB_MPI=OFF), so it cannot run as one of several MPI "
                    "ranks: install the MPI packages (scripts/deps.sh) and rebuild, or run it without mpirun");
#endif
  }
  return run_local(r, report);
}

}  // namespace lrlab
