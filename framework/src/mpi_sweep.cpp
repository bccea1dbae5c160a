// The sweep across MPI ranks (see mpi_sweep.hpp). Compiled only with LRLAB_MPI.
//
// Protocol (all point to point, between rank 0 and each worker; every MPI call on the thread that
// made the Session):
//   0 -> w  assign    int64 pairs (trial index in the plan, trial_id): run these
//   0 -> w  stop      stop the running trials (they end "interrupted")
//   0 -> w  exit      int: the sweep is over, return this exit code
//   w -> 0  chunk     encode_chunk() bytes: rows of a running trial; the last one has its outcome
//   w -> 0  alive     heartbeat, after a second without any other message
//   w -> 0  stopping  this rank got SIGINT/SIGTERM: stop the whole sweep
// Rank 0 gives a rank as many trials as it has trial threads and one more each time one of its
// trials reports its outcome: dynamic, so a rank with cheap trials simply gets more of them.
//
// Waiting is done by polling (iprobe, then a 1 ms sleep when there was nothing to do) rather than
// in blocking MPI calls, which Open MPI busy-waits in: a blocked rank would take a core from the
// trials on an oversubscribed node.
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <sched.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <thread>
#include <unordered_map>

#include "lrlab/chunk_codec.hpp"
#include "lrlab/mpi_sweep.hpp"
#include "lrlab/progress.hpp"

namespace lrlab::mpi {
namespace bmpi = boost::mpi;
using Clock = std::chrono::steady_clock;

enum Tag : int { tag_assign = 1, tag_stop = 2, tag_exit = 3, tag_chunk = 10, tag_alive = 11, tag_stopping = 12 };

struct Session::Impl {
  // abort_on_exception = false: errors are reported and turned into exit codes by the CLI.
  bmpi::environment env{bmpi::threading::funneled, false};
  bmpi::communicator world;
  std::vector<RankInfo> ranks;
  bool gave_up_a_rank = false;
  bool warned_binding = false;
};

namespace {

constexpr auto idle_sleep = std::chrono::milliseconds(1);
constexpr auto heartbeat_every = std::chrono::seconds(1);
// After a stop, how long rank 0 waits for the workers' running trials to report "interrupted"
// (they check for the stop at every step) before leaving them for the rerun. Short, because
// launchers follow their SIGTERM with a SIGKILL soon after (Open MPI: 1 s; Slurm: KillWait).
constexpr auto stop_grace = std::chrono::milliseconds(500);

// How long rank 0 waits for a silent worker before giving it up (LRLAB_MPI_TIMEOUT, seconds).
Clock::duration silence_limit() {
  double s = 60;
  if (const char* v = std::getenv("LRLAB_MPI_TIMEOUT"); v && std::strtod(v, nullptr) > 0) s = std::strtod(v, nullptr);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

int resolved_jobs(int jobs) { return jobs > 0 ? jobs : tbb::info::default_concurrency(); }

// RankInfo as one string for gather (fields never contain the separator's NUL... except an error
// message could in theory: it is cut there, which is harmless).
std::string pack(const RankInfo& r) {
  return r.host + '\0' + std::to_string(r.jobs) + '\0' + std::to_string(r.cores) + '\0' + r.fingerprint + '\0' + r.error;
}
RankInfo unpack(const std::string& s) {
  std::vector<std::string> f;
  std::size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    const auto end = s.find('\0', at);
    f.push_back(s.substr(at, end - at));
    at = end == std::string::npos ? s.size() : end + 1;
  }
  f.push_back(s.substr(at));
  return {f[0], std::atoi(f[1].c_str()), std::atoi(f[2].c_str()), f[3], f[4]};
}

// The CPUs this process may run on: an MPI launcher may have bound it to a few (Open MPI binds
// each rank to one core when it starts at most two).
int affinity_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
}

// This rank's trial threads: a oneTBB arena with `jobs` worker slots and none kept for the MPI
// thread, which only communicates. The global limit is raised so that `jobs` threads exist even
// when it exceeds the cores (as --jobs may).
class TrialPool {
 public:
  explicit TrialPool(int jobs)
      : limit_(tbb::global_control::max_allowed_parallelism,
               std::max<std::size_t>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism),
                                     static_cast<std::size_t>(jobs) + 1)),
        arena_(jobs, 0) {}
  ~TrialPool() { wait(); }

  template <class F>
  void submit(F f) {
    ++running_;
    arena_.enqueue([this, f = std::move(f)] {
      f();
      --running_;
    });
  }
  int running() const { return running_.load(); }
  void wait() const {
    while (running_.load() > 0) std::this_thread::sleep_for(idle_sleep);
  }

 private:
  tbb::global_control limit_;
  tbb::task_arena arena_;
  std::atomic<int> running_{0};
};

// Sets a stop flag when it goes out of scope: on an exception, running trials end quickly.
struct StopOnExit {
  std::atomic<bool>& stop;
  ~StopOnExit() { stop.store(true); }
};

// Runs one trial, reporting even an escaped exception as the trial's outcome (rank 0 waits for one).
void run_one(const TrialPlan& plan, std::int64_t trial_id, const TrialEnv& env, const std::function<void(TrialChunk&&)>& send,
             const std::function<void(const TrialOutcome&)>& done) {
  TrialOutcome out;
  try {
    out = run_trial(plan, trial_id, env, send);
  } catch (const std::exception& e) {
    out.status = status::failed;
    out.error = std::string("internal error: ") + e.what();
    out.host = env.host;
    out.rank = env.rank;
    TrialChunk last;
    last.trial_id = trial_id;
    last.outcome = out;
    send(std::move(last));
  }
  done(out);
}

// Rank 0's writer thread: the only code that writes the database, as in sweep.cpp: it drains
// whatever is queued and commits it in one transaction.
class Writer {
 public:
  Writer(Store& store, Progress& progress, std::size_t capacity) : store_(store), progress_(progress) {
    queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
    thread_ = std::thread([this] { loop(); });
  }
  ~Writer() {
    if (thread_.joinable()) {
      queue_.push(std::nullopt);
      thread_.join();
    }
  }
  void push(TrialChunk&& c) { queue_.push(std::optional<TrialChunk>(std::move(c))); }
  // Writes what is queued and ends the thread; rethrows a database error.
  void finish() {
    queue_.push(std::nullopt);
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop() {
    std::vector<TrialChunk> batch;
    for (bool done = false; !done;) {
      std::optional<TrialChunk> item;
      queue_.pop(item);
      do {
        if (!item) {
          done = true;
          break;
        }
        batch.push_back(std::move(*item));
      } while (batch.size() < 1024 && queue_.try_pop(item));
      if (batch.empty()) continue;
      try {
        if (!error_) store_.write(batch);
      } catch (...) {
        error_ = std::current_exception();
      }
      for (const auto& c : batch)
        if (c.outcome) progress_.trial_done(c.outcome->status);
      batch.clear();
    }
  }
  Store& store_;
  Progress& progress_;
  tbb::concurrent_bounded_queue<std::optional<TrialChunk>> queue_;
  std::exception_ptr error_;
  std::thread thread_;
};

// A message whose content does not matter (or is unexpected): received and dropped.
void drop(bmpi::communicator& world, const bmpi::status& st) {
  const int n = st.count<char>().value_or(0);
  std::string buf(static_cast<std::size_t>(n), '\0');
  world.recv(st.source(), st.tag(), buf.data(), n);
}

}  // namespace

Session::Session() : impl_(std::make_unique<Impl>()) {
  if (impl_->env.thread_level() < bmpi::threading::funneled && rank() == 0)
    std::fprintf(stderr, "lrlab: warning: this MPI does not support MPI_THREAD_FUNNELED; trial threads run beside MPI anyway\n");
}

Session::~Session() = default;

int Session::rank() const { return impl_->world.rank(); }
int Session::size() const { return impl_->world.size(); }
const std::vector<RankInfo>& Session::ranks() const { return impl_->ranks; }

std::string Session::agree(const RankInfo& mine) {
  RankInfo me = mine;
  me.jobs = resolved_jobs(me.jobs);
  me.cores = affinity_cores();
  std::vector<std::string> all;
  bmpi::gather(impl_->world, pack(me), all, 0);
  std::string verdict;
  if (rank() == 0) {
    auto& ranks = impl_->ranks;
    ranks.clear();
    for (const auto& s : all) ranks.push_back(unpack(s));
    auto who = [&](std::size_t r) { return "rank " + std::to_string(r) + " (" + ranks[r].host + ")"; };
    verdict = ranks[0].error;
    for (std::size_t r = 1; verdict.empty() && r < ranks.size(); ++r)
      if (!ranks[r].error.empty()) verdict = who(r) + ": " + ranks[r].error;
    for (std::size_t r = 1; verdict.empty() && r < ranks.size(); ++r)
      if (ranks[r].fingerprint != ranks[0].fingerprint)
        verdict = who(r) + " does not expand the experiment as " + who(0) +
                  " does: every rank must see the same spec, data files, plugin libraries and lrlab build";
    // Threads beyond the cores a rank is bound to share them: the sweep runs, slower than it could.
    for (std::size_t r = 0; verdict.empty() && !impl_->warned_binding && r < ranks.size(); ++r)
      if (ranks[r].cores > 0 && ranks[r].jobs > ranks[r].cores) {
        impl_->warned_binding = true;
        std::fprintf(stderr,
                     "lrlab: warning: %s runs %d trial threads on %d core%s: the launcher bound it (Open MPI: add "
                     "--bind-to none, or --map-by ppr:1:node:pe=N)\n",
                     who(r).c_str(), ranks[r].jobs, ranks[r].cores, ranks[r].cores == 1 ? "" : "s");
        break;
      }
  }
  bmpi::broadcast(impl_->world, verdict, 0);
  return verdict;
}

void Session::release_workers(int exit_code) {
  std::fflush(nullptr);
  if (impl_->gave_up_a_rank) abort(exit_code);  // MPI_Finalize would wait for the lost rank
  for (int r = 1; r < size(); ++r) impl_->world.send(r, tag_exit, exit_code);
}

void Session::abort(int exit_code) {
  std::fflush(nullptr);
  impl_->env.abort(exit_code);
  std::_Exit(exit_code);  // not reached
}

SweepReport run_root(Session& session, const Experiment& ex, const TrialEnv& env_in, Store& store,
                     const std::vector<std::pair<const TrialPlan*, std::int64_t>>& todo, const SweepOptions& options) {
  const auto t0 = Clock::now();
  bmpi::communicator& world = session.impl().world;
  SweepReport report;
  report.total = static_cast<std::int64_t>(ex.trials.size());
  report.skipped = report.total - static_cast<std::int64_t>(todo.size());

  struct Rank {
    int capacity = 1;
    std::string host;
    std::unordered_map<std::int64_t, std::size_t> in_flight;  // trial_id -> position in todo
    Clock::time_point heard;
    bool lost = false;
  };
  std::vector<Rank> ranks(static_cast<std::size_t>(session.size()));
  int slots = 0;
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    ranks[r].capacity = std::max(1, session.ranks().at(r).jobs);
    ranks[r].host = session.ranks().at(r).host;
    ranks[r].heard = t0;
    slots += ranks[r].capacity;
  }
  // Rank 0 leaves one of its --jobs cores to the writer and to this dispatching thread, which
  // take in every rank's rows: it runs jobs - 1 trial threads, none with --jobs 1.
  const int own_jobs = ranks[0].capacity;
  ranks[0].capacity = own_jobs - 1;
  const auto silence = silence_limit();

  std::atomic<bool> stop{false};
  TrialEnv env = env_in;
  env.stop = &stop;
  env.rank = 0;
  Progress progress(static_cast<std::int64_t>(todo.size()), options.progress);
  Writer writer(store, progress, options.queue_chunks ? options.queue_chunks : 4 * static_cast<std::size_t>(slots) + 8);
  const std::function<void(TrialChunk&&)> write = [&](TrialChunk&& c) { writer.push(std::move(c)); };
  tbb::concurrent_queue<std::pair<std::int64_t, TrialOutcome>> local_done;  // trial_id, outcome
  TrialPool pool(own_jobs);
  StopOnExit stop_on_exit{stop};

  auto tally = [&](std::size_t i, const TrialOutcome& out) {
    if (out.status == status::completed) ++report.completed;
    else if (out.status == status::diverged) ++report.diverged;
    else if (out.status == status::stopped_early) ++report.stopped_early;
    else if (out.status == status::interrupted) ++report.interrupted;
    else {
      ++report.failed;
      report.failures.emplace_back(todo[i].first->index, out.error);
    }
  };

  std::deque<std::size_t> next;
  for (std::size_t i = 0; i < todo.size(); ++i) next.push_back(i);
  bool stopping = false;
  Clock::time_point stop_deadline;
  auto begin_stop = [&](const std::string& why) {
    if (stopping) return;
    stopping = true;
    stop_deadline = Clock::now() + stop_grace;
    stop.store(true);
    report.interrupted += static_cast<std::int64_t>(next.size());
    next.clear();
    if (!why.empty()) std::fprintf(stderr, "\nlrlab: %s: stopping the sweep\n", why.c_str());
    for (std::size_t r = 1; r < ranks.size(); ++r)
      if (!ranks[r].lost) world.send(static_cast<int>(r), tag_stop);
  };

  // A rank given up: its trials in flight go back to pending (rows removed) for a rerun, and
  // whatever it sends later is ignored.
  auto give_up = [&](std::size_t r, const char* why) {
    Rank& w = ranks[r];
    w.lost = true;
    session.impl().gave_up_a_rank = true;
    std::fprintf(stderr, "\nlrlab: rank %zu (%s) %s: given up (trials left for a rerun: %zu)\n", r, w.host.c_str(), why,
                 w.in_flight.size());
    for (const auto& [id, i] : w.in_flight) {
      TrialChunk c;
      c.trial_id = id;
      c.outcome = TrialOutcome{};
      c.outcome->status = status::interrupted;
      writer.push(std::move(c));
      ++report.interrupted;
    }
    w.in_flight.clear();
    // With no worker left, rank 0 runs the rest itself rather than wait forever.
    bool any = false;
    for (std::size_t k = 1; k < ranks.size(); ++k) any = any || !ranks[k].lost;
    if (!any) ranks[0].capacity = own_jobs;
  };

  // Hand out trials, one per free slot, going round the ranks (rank 0 first).
  auto assign = [&] {
    std::vector<std::vector<std::int64_t>> batch(ranks.size());
    for (bool gave = true; gave && !next.empty() && !stopping;) {
      gave = false;
      for (std::size_t r = 0; r < ranks.size() && !next.empty(); ++r) {
        Rank& w = ranks[r];
        if (w.lost || static_cast<int>(w.in_flight.size()) >= w.capacity) continue;
        const std::size_t i = next.front();
        next.pop_front();
        const auto& [plan, trial_id] = todo[i];
        w.in_flight.emplace(trial_id, i);
        gave = true;
        if (r == 0) {
          pool.submit([&, plan = plan, trial_id = trial_id] {
            run_one(*plan, trial_id, env, write, [&](const TrialOutcome& out) { local_done.push({trial_id, out}); });
          });
        } else {
          batch[r].push_back(plan->index);
          batch[r].push_back(trial_id);
        }
      }
    }
    for (std::size_t r = 1; r < ranks.size(); ++r)
      if (!batch[r].empty()) world.send(static_cast<int>(r), tag_assign, batch[r].data(), static_cast<int>(batch[r].size()));
  };

  auto receive = [&](const bmpi::status& st) {
    const auto r = static_cast<std::size_t>(st.source());
    Rank& w = ranks.at(r);
    if (w.lost || st.tag() != tag_chunk) {
      drop(world, st);
      if (!w.lost) {
        w.heard = Clock::now();
        if (st.tag() == tag_stopping) begin_stop("rank " + std::to_string(r) + " (" + w.host + ") was interrupted");
      }
      return;
    }
    const int n = st.count<char>().value_or(0);
    std::string buf(static_cast<std::size_t>(n), '\0');
    world.recv(st.source(), tag_chunk, buf.data(), n);
    w.heard = Clock::now();
    TrialChunk c = decode_chunk(buf);
    const auto it = w.in_flight.find(c.trial_id);
    if (it == w.in_flight.end())
      throw std::runtime_error("rank " + std::to_string(r) + " sent rows of trial_id " + std::to_string(c.trial_id) +
                               ", which it was not running");
    if (c.outcome) {
      tally(it->second, *c.outcome);
      w.in_flight.erase(it);
    }
    writer.push(std::move(c));
  };

  for (;;) {
    bool busy = false;
    if (options.stop && options.stop->load()) begin_stop("");
    assign();
    while (auto st = world.iprobe(bmpi::any_source, bmpi::any_tag)) {
      receive(*st);
      busy = true;
    }
    for (std::pair<std::int64_t, TrialOutcome> done; local_done.try_pop(done);) {
      const auto it = ranks[0].in_flight.find(done.first);
      tally(it->second, done.second);
      ranks[0].in_flight.erase(it);
      busy = true;
    }
    const auto now = Clock::now();
    for (std::size_t r = 1; r < ranks.size(); ++r)
      if (!ranks[r].lost && now - ranks[r].heard > silence) give_up(r, "has been silent too long (LRLAB_MPI_TIMEOUT)");
    if (stopping && now > stop_deadline)
      for (std::size_t r = 1; r < ranks.size(); ++r)
        if (!ranks[r].lost && !ranks[r].in_flight.empty()) give_up(r, "did not stop in time");
    bool all_back = true;
    for (const auto& w : ranks) all_back = all_back && w.in_flight.empty();
    if (all_back && next.empty()) break;
    if (!busy) std::this_thread::sleep_for(idle_sleep);
  }

  pool.wait();
  writer.finish();
  progress.finish();
  std::sort(report.failures.begin(), report.failures.end());
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

int run_worker(Session& session, const Experiment& ex, const TrialEnv& env_in, const SweepOptions& options) {
  bmpi::communicator& world = session.impl().world;
  const int jobs = resolved_jobs(options.jobs);
  std::atomic<bool> stop{false};
  TrialEnv env = env_in;
  env.stop = &stop;
  env.rank = session.rank();

  // Trial threads encode their chunks (in parallel) and queue them for this thread to send.
  tbb::concurrent_bounded_queue<std::string> out;
  out.set_capacity(options.queue_chunks ? static_cast<std::ptrdiff_t>(options.queue_chunks) : 4 * jobs + 8);
  const std::function<void(TrialChunk&&)> send = [&](TrialChunk&& c) { out.push(encode_chunk(c)); };
  const std::function<void(const TrialOutcome&)> done = [](const TrialOutcome&) {};
  TrialPool pool(jobs);
  StopOnExit stop_on_exit{stop};

  bool said_stopping = false;
  auto last_sent = Clock::now();
  std::optional<int> exit_code;
  while (!exit_code) {
    bool busy = false;
    while (!exit_code) {
      const auto st = world.iprobe(0, bmpi::any_tag);
      if (!st) break;
      busy = true;
      if (st->tag() == tag_assign) {
        const int n = st->count<std::int64_t>().value_or(0);
        std::vector<std::int64_t> v(static_cast<std::size_t>(n));
        world.recv(0, tag_assign, v.data(), n);
        for (std::size_t k = 0; k + 1 < v.size(); k += 2) {
          const TrialPlan& plan = ex.trials.at(static_cast<std::size_t>(v[k]));
          const std::int64_t trial_id = v[k + 1];
          pool.submit([&, trial_id] { run_one(plan, trial_id, env, send, done); });
        }
      } else if (st->tag() == tag_stop) {
        world.recv(0, tag_stop);
        stop.store(true);
      } else if (st->tag() == tag_exit) {
        int rc = 0;
        world.recv(0, tag_exit, rc);
        exit_code = rc;
      } else {
        drop(world, *st);
      }
    }
    if (exit_code) break;
    for (std::string buf; out.try_pop(buf);) {
      world.send(0, tag_chunk, buf.data(), static_cast<int>(buf.size()));
      last_sent = Clock::now();
      busy = true;
    }
    if (options.stop && options.stop->load() && !said_stopping) {
      stop.store(true);
      said_stopping = true;
      world.send(0, tag_stopping);
      last_sent = Clock::now();
    }
    if (Clock::now() - last_sent > heartbeat_every) {
      world.send(0, tag_alive);
      last_sent = Clock::now();
    }
    if (!busy) std::this_thread::sleep_for(idle_sleep);
  }
  // Rank 0 has everything it waits for; whatever is still running (only if it gave up waiting)
  // stops, and its rows are not sent: rank 0 no longer listens.
  stop.store(true);
  while (pool.running() > 0) {
    for (std::string buf; out.try_pop(buf);) {
    }
    std::this_thread::sleep_for(idle_sleep);
  }
  return *exit_code;
}

}  // namespace lrlab::mpi
