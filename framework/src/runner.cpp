#include "lrlab/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <thread>

#include "lrlab/catalog.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/provenance.hpp"
#include "lrlab/branched_sweep.hpp"
#include "lrlab/pbt_sweep.hpp"
#include "lrlab/pruned_sweep.hpp"
#include "lrlab/exit_codes.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/inputs.hpp"
#include "lrlab/mpi_transport.hpp"
#include "lrlab/process_transport.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/spec_change.hpp"
#include "lrlab/stored_spec.hpp"
#include "lrlab/store.hpp"
#include "lrlab/thread_transport.hpp"
#include "lrlab/trial_pool.hpp"
#include "lrlab/verify.hpp"
#include "lrlab/writer_lock.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {


// What every process builds from the spec before anything runs.
struct Planned {
  std::optional<Catalog> catalog;
  std::optional<Resolver> resolver;
  SharedData shared;
  Experiment ex;
  std::vector<LibraryInfo> libraries;  // the plugin libraries the trials use
  std::vector<Input> inputs;           // what decides the numbers besides the spec (inputs.hpp)

  std::optional<std::int64_t> stored_experiment;  // run from a database: the experiment whose spec it is

  explicit Planned(const RunRequest& r) {
    Spec spec;
    if (is_sqlite_file(r.spec)) {
      StoredSpec stored = load_stored_spec(r.spec, r.experiment);
      spec = std::move(stored.spec);
      stored_experiment = stored.experiment_id;
    } else {
      if (!r.experiment.empty())
        throw SpecError("", "--experiment chooses an experiment of a database given instead of a spec; " + r.spec.string() +
                                " is not a database");
      spec = load_spec(r.spec);
    }
    catalog.emplace(Catalog::standard(r.plugin_dirs));
    if (stored_experiment) load_recorded_plugins(sqlite::open_read_only(r.spec.string()), {*stored_experiment}, *catalog);
    resolver.emplace(*catalog);
    ex = plan_experiment(spec, *resolver, shared);
    libraries = used_libraries(*catalog, ex);
    inputs = collect_inputs(shared, libraries);  // planning has read every data file
  }

  TrialEnv env(int rank) {
    TrialEnv e;
    e.host = host_name();
    e.rank = rank;
    e.resolver = &*resolver;
    e.spec_dir = ex.spec_dir;
    e.shared = &shared;
    e.checkpoint_every = ex.checkpoint_every;
    return e;
  }
};

// The database a run writes: --db, else the database its spec came from, else results/<name>.db.
fs::path db_path_of(const RunRequest& r, const Experiment& ex) {
  if (!r.db.empty()) return r.db;
  if (is_sqlite_file(r.spec)) return r.spec;
  return fs::path("results") / (ex.name + ".db");
}

// The database side of a run: the experiment resumed or created, and the trials left to run.
struct Opened {
  fs::path db_path;
  std::optional<WriterLock> lock;  // held while the store is open: declared first, released last
  std::optional<Store> store;
  std::int64_t experiment_id = 0;
  bool resumed = false;
  std::vector<Pending> todo;
};

// A resume goes on only with the inputs the experiment was made from: the same data (by content),
// plugin libraries and build numerics. An experiment made before inputs were recorded gets them now.
// An edited spec (spec_change.hpp) may use inputs the experiment did not: those are recorded, and
// only the recorded ones must be unchanged.
void check_inputs(const Experiment& ex, const std::vector<Input>& inputs, Opened& d, bool edited) {
  const std::vector<Input> recorded = Store::recorded_inputs(d.store->connection(), d.experiment_id);
  if (recorded.empty()) {
    std::fprintf(stderr,
                 "lrlab: warning: experiment \"%s\" in %s was created by an lrlab that did not record its inputs (data "
                 "files, plugin libraries, build): they cannot be checked; this run's are recorded from now on\n",
                 ex.name.c_str(), d.db_path.string().c_str());
    d.store->record_inputs(d.experiment_id, inputs);
    return;
  }
  std::vector<Input> compared = inputs, added;
  if (edited) {
    compared.clear();
    for (const auto& in : inputs) {
      const bool known = std::any_of(recorded.begin(), recorded.end(),
                                     [&](const Input& was) { return was.kind == in.kind && was.name == in.name; });
      (known ? compared : added).push_back(in);
    }
  }
  const auto changes = input_changes(recorded, compared, "at creation", "now");
  if (changes.empty()) {
    if (!added.empty()) d.store->record_inputs(d.experiment_id, added);
    return;
  }
  std::string list;
  for (const auto& c : changes) list += "\n  " + c;
  throw SpecError("", d.db_path.string() + " holds experiment \"" + ex.name + "\" made from other inputs than this run's:" +
                          list + "\nresuming would mix trials computed from different inputs: restore them, or rerun with "
                          "--fresh to start a new experiment (the database keeps this one)");
}

// The stored trials must be the plan's, row for row: a row outside the plan or unlike its planned
// trial (edited by hand, or the spec resolves differently now) is refused. A planned trial without
// a row (deleted by hand) is put back as pending and run again rather than refused: the plan says
// exactly what it was, a rerun gives the same bits it had, and the finished trials stay usable.
void check_trials(const Experiment& ex, Opened& d) {
  const std::string where = "experiment \"" + ex.name + "\" in " + d.db_path.string();
  const std::string fresh = ": rerun with --fresh to start a new experiment";
  std::vector<bool> stored(ex.trials.size(), false);
  Store::each_trial(d.store->connection(), d.experiment_id, [&](const StoredTrial& row) {
    const std::optional<TrialConfig> plan = planned_trial(ex, row);
    if (!plan)
      throw SpecError("", "trial " + std::to_string(row.trial_id) + " of " + where + " has trial_index " +
                              std::to_string(row.trial_index) + ", outside the plan's 0 .. " +
                              std::to_string(ex.trials.size() - 1) + " (the database was edited?)" + fresh);
    if (const std::string why = row_difference(row, *plan); !why.empty())
      throw SpecError("", "trial " + std::to_string(row.trial_id) + " (index " + std::to_string(row.trial_index) + ") of " +
                              where + ": " + why + fresh);
    if (row.trial_index < ex.trials.size()) stored[static_cast<std::size_t>(row.trial_index)] = true;
  });
  std::vector<std::int64_t> missing;
  std::string indices;
  for (std::size_t i = 0; i < stored.size(); ++i)
    if (!stored[i]) {
      missing.push_back(static_cast<std::int64_t>(i));
      if (missing.size() <= 10) indices += (indices.empty() ? "" : ", ") + std::to_string(i);
    }
  if (missing.empty()) return;
  const std::int64_t orphans = d.store->restore_trials(d.experiment_id, ex.trials, missing);
  std::fprintf(stderr,
               "lrlab: warning: %s lacked the rows of %zu planned trial%s (index %s%s: deleted by hand?): put back as "
               "pending, to run again%s\n",
               where.c_str(), missing.size(), missing.size() == 1 ? "" : "s", indices.c_str(), missing.size() > 10 ? ", ..." : "",
               orphans > 0 ? ("; " + std::to_string(orphans) + " rows of steps, evals, events and checkpoints that belonged "
                              "to no trial were removed").c_str() : "");
}

// The spec was edited since the experiment was stored (spec_change.hpp): an edit that keeps every
// stored trial changes the experiment in place, and says what it did; any other is refused with
// the differences and the ways out, before anything is written.
SpecChange judge_spec_change(const Experiment& ex, const Store::ExperimentRef& latest, Opened& d) {
  SpecChange c = compare_spec(d.store->connection(), latest.id, latest.spec_json, ex);
  if (!c.accepted)
    throw SpecError("", d.db_path.string() + " already holds experiment \"" + ex.name + "\" (id " + std::to_string(latest.id) +
                            ") with a different spec (sha256 " + latest.spec_sha256.substr(0, 12) + ", this spec " +
                            ex.spec_sha256.substr(0, 12) + "):" + spec_differences_text(c.differences) + "\n" + c.refusal +
                            ". Ways out: --fresh adds a new experiment to the file (the stored one stays, as experiment " +
                            std::to_string(latest.id) + "), --db writes another file, or give the spec a new \"name\"");
  return c;
}

void apply_spec_change(const Experiment& ex, const Store::ExperimentRef& latest, const SpecChange& c, Opened& d) {
  const std::string what = spec_differences_text(c.differences);
  d.store->change_experiment(latest.id, ex, c.kept, c.added);
  const auto n = [](std::int64_t v) { return std::to_string(v); };
  const std::string shown = what.empty() ? " (the same values; only the order of keys changed)" : ":" + what;
  if (c.added.empty())
    std::fprintf(stderr, "lrlab: %s: the spec changed, no trial did; the stored spec is updated%s\n", ex.name.c_str(), shown.c_str());
  else
    std::fprintf(stderr, "lrlab: %s: the spec grew: the %s trials stored are kept%s, %s added%s\n", ex.name.c_str(),
                 n(c.stored).c_str(), c.renumbered == 0 ? "" : (" (" + n(c.renumbered) + " with a new trial_index)").c_str(),
                 n(static_cast<std::int64_t>(c.added.size())).c_str(), shown.c_str());
}

void open_store(const RunRequest& r, const Planned& p, Opened& d) {
  const Experiment& ex = p.ex;
  d.db_path = db_path_of(r, ex);
  Store::check_usable(d.db_path);
  if (d.db_path.has_parent_path()) fs::create_directories(d.db_path.parent_path());
  d.lock.emplace(d.db_path, r.command_line.empty() ? "lrlab run " + r.spec.string() : r.command_line);
  Store::remove_creation_leftovers(d.db_path);  // a killed creator's temporary files: nobody else can be creating it now
  d.store.emplace(d.db_path);
  Store& store = *d.store;

  // A stored spec run into its own database continues that very experiment, also an older one of
  // its name; anything else continues the latest experiment of the name.
  std::error_code ec;
  const bool own_db = p.stored_experiment && fs::equivalent(d.db_path, r.spec, ec);
  auto latest = own_db ? store.experiment(*p.stored_experiment) : store.latest_experiment(ex.name);
  if (latest && !r.fresh) {
    d.experiment_id = latest->id;
    d.resumed = true;
    const bool edited = latest->spec_sha256 != ex.spec_sha256;
    std::optional<SpecChange> change;
    if (edited) change = judge_spec_change(ex, *latest, d);
    check_inputs(ex, p.inputs, d, edited);
    if (change) apply_spec_change(ex, *latest, *change, d);
    check_trials(ex, d);
    store.reset_unfinished(d.experiment_id);
  } else {
    d.experiment_id = store.create_experiment(ex, p.inputs);
  }

  d.todo = pending_trials(store, d.experiment_id);  // their indices are checked above
}


int threads_of(const RunRequest& r) { return r.jobs > 0 ? r.jobs : static_cast<int>(std::thread::hardware_concurrency()); }

SweepOptions sweep_options(const RunRequest& r) {
  SweepOptions so;
  so.progress = r.progress;
  so.stop = r.stop;
  return so;
}

// The one scheduler: rung by rung with a pruner, generation by generation with PBT, round by round with
// shared prefixes.
SweepReport sweep(Transport& transport, const Experiment& ex, Opened& d, const RunRequest& r) {
  if (ex.pruner.enabled()) return run_pruned_sweep(transport, *d.store, d.experiment_id, ex, sweep_options(r));
  if (ex.pbt) return run_pbt_sweep(transport, *d.store, d.experiment_id, ex, sweep_options(r));
  if (!ex.branches.empty()) return run_branched_sweep(transport, *d.store, d.experiment_id, ex, sweep_options(r));
  return run_sweep(transport, *d.store, ex.trials, d.todo, sweep_options(r));
}

// The end of a sweep: the summary for the caller and the end of the `runs` row.
int finish(const RunRequest& r, const Experiment& ex, Opened& d, const SweepReport& rep, int ranks,
           const std::function<void(const RunSummary&)>& report) {
  RunSummary s;
  s.name = ex.name;
  s.db_path = d.db_path;
  s.resumed = d.resumed;
  s.ranks = ranks;
  s.ran = rep.completed + rep.diverged + rep.failed + rep.stopped_early + rep.pruned + rep.exploited;
  s.report = rep;
  // Across ranks a sweep can also be cut short by another rank's signal or a lost rank.
  const bool interrupted = (r.stop && r.stop->load()) || (ranks > 1 && rep.interrupted > 0);
  if (!rep.write_failure.empty()) {
    try {
      sqlite::Statement q(d.store->connection(), "SELECT count(*) FROM trials WHERE experiment_id = ?1 AND status IN "
                                                 "('completed', 'diverged', 'stopped_early', 'pruned')");
      q.bind(1, d.experiment_id);
      if (q.step()) s.stored_finished = q.int64(0);
    } catch (const StoreError&) {
      // the file cannot even be read now: the message says less
    }
  }
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
  if (!r.experiment.empty()) argv.insert(argv.end(), {"--experiment", r.experiment});
  for (const auto& d : r.plugin_dirs) {
    argv.push_back("--plugin-dir");
    argv.push_back(d.string());
  }
  return argv;
}

int run_local(const RunRequest& r, const std::function<void(const RunSummary&)>& report) {
  Planned p(r);
  Opened d;
  open_store(r, p, d);
  d.store->begin_run(d.experiment_id, RunInfo{d.resumed, threads_of(r), 1, r.command_line, loaded_libraries(*p.catalog, p.libraries)});
  std::unique_ptr<Transport> transport;
  if (r.isolate)
    transport = std::make_unique<ProcessTransport>(worker_command(r), resolved_jobs(r.jobs));
  else
    transport = std::make_unique<ThreadTransport>(p.env(0), resolved_jobs(r.jobs));
  const SweepReport rep = sweep(*transport, p.ex, d, r);
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
// What two ranks must share to run one sweep: the same trials (spec, resolved configurations) and
// the same inputs (data files by content, plugin libraries, build numerics), as text, so that rank
// 0 can say which input differs (Session::agree).
std::string fingerprint(const Planned& p) {
  std::string keys = p.ex.spec_sha256 + "\n";
  for (const auto& t : p.ex.trials) keys += t.key + "\n";
  std::vector<Input> all = p.inputs;
  all.push_back({"plan", "trials", "", sha256_hex(keys), std::to_string(p.ex.trials.size()) + " trials"});
  return inputs_text(all);
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
      open_store(r, *p, d);
      d.store->begin_run(d.experiment_id, RunInfo{d.resumed, threads_of(r), session.size(), r.command_line, loaded_libraries(*p->catalog, p->libraries)});
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
      const SweepReport rep = sweep(transport, p->ex, d, r);
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
