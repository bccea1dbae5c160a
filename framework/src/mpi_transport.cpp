// Trials on MPI ranks (see mpi_transport.hpp). Compiled only with LRLAB_MPI.
//
// Protocol (all point to point, between rank 0 and each worker; every MPI call on the thread that
// made the Session):
//   0 -> w  assign    StateArchive bytes: the trial's index in the plan, its trial_id, and the
//                     checkpoint to continue from, if any: run it
//   0 -> w  stop      stop the running trials (they end "interrupted")
//   0 -> w  exit      int: the sweep is over, return this exit code
//   w -> 0  chunk     encode_chunk() bytes: rows of a running trial; the last one has its outcome
//   w -> 0  alive     heartbeat, after a second without any other message
//   w -> 0  stopping  this rank got SIGINT/SIGTERM: stop the whole sweep
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
#include "lrlab/inputs.hpp"
#include "lrlab/mpi_transport.hpp"
#include "lrlab/thread_transport.hpp"

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
    // Compared by content: the same bytes at other paths (another folder, another host) agree.
    for (std::size_t r = 1; verdict.empty() && r < ranks.size(); ++r) {
      if (ranks[r].fingerprint == ranks[0].fingerprint) continue;
      std::string differences;
      for (const auto& d : input_changes(parse_inputs_text(ranks[0].fingerprint), parse_inputs_text(ranks[r].fingerprint),
                                         who(0), who(r)))
        differences += "\n  " + d;
      if (!differences.empty())
        verdict = who(r) + " does not expand the experiment as " + who(0) + " does:" + differences +
                  "\nevery rank must see the same spec, data files (by content), plugin libraries and lrlab build";
    }
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

struct MpiTransport::Impl {
  struct Rank {
    int capacity = 1;
    std::string host;
    std::unordered_map<std::int64_t, bool> in_flight;  // trial_ids it runs
    Clock::time_point heard;
    bool lost = false;
  };

  Session& session;
  bmpi::communicator& world;
  std::vector<Rank> ranks;
  int own_jobs = 1;
  ThreadTransport local;  // rank 0's own trials
  std::size_t cursor = 0;  // the rank start() tries first: work goes round the ranks
  Clock::duration silence = silence_limit();
  bool stopping = false;
  Clock::time_point stop_deadline;
  std::string stop_request;
  std::vector<TrialChunk> given_up;  // outcomes of trials lost with a rank, for the next poll

  Impl(Session& s, const TrialEnv& env, int jobs)
      : session(s), world(s.impl().world), ranks(static_cast<std::size_t>(s.size())), own_jobs(resolved_jobs(jobs)),
        // Rank 0 leaves one of its --jobs cores to the writer and to this dispatching thread,
        // which take in every rank's rows: jobs - 1 trial threads, none with --jobs 1.
        local(env, own_jobs, std::max(1, own_jobs - 1)) {
    const auto now = Clock::now();
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      ranks[r].capacity = std::max(1, session.ranks().at(r).jobs);
      ranks[r].host = session.ranks().at(r).host;
      ranks[r].heard = now;
    }
    ranks[0].capacity = own_jobs - 1;
  }

  // A rank given up: its trials in flight go back to pending (or their checkpoint) for a rerun,
  // and whatever it sends later is ignored.
  void give_up(std::size_t r, const char* why) {
    Rank& w = ranks[r];
    w.lost = true;
    session.impl().gave_up_a_rank = true;
    std::fprintf(stderr, "\nlrlab: rank %zu (%s) %s: given up (trials left for a rerun: %zu)\n", r, w.host.c_str(), why,
                 w.in_flight.size());
    for (const auto& [id, _] : w.in_flight) given_up.push_back(outcome_chunk(id, status::interrupted));
    w.in_flight.clear();
    // With no worker left, rank 0 runs the rest itself rather than wait forever.
    bool any = false;
    for (std::size_t k = 1; k < ranks.size(); ++k) any = any || !ranks[k].lost;
    if (!any) ranks[0].capacity = own_jobs;
  }

  void receive(const bmpi::status& st, const SendChunk& deliver) {
    const auto r = static_cast<std::size_t>(st.source());
    Rank& w = ranks.at(r);
    if (w.lost || st.tag() != tag_chunk) {
      drop(world, st);
      if (!w.lost) {
        w.heard = Clock::now();
        if (st.tag() == tag_stopping && stop_request.empty())
          stop_request = "rank " + std::to_string(r) + " (" + w.host + ") was interrupted";
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
    if (c.outcome) w.in_flight.erase(it);
    deliver(std::move(c));
  }
};

MpiTransport::MpiTransport(Session& session, const TrialEnv& env, int jobs)
    : impl_(std::make_unique<Impl>(session, env, jobs)) {}

MpiTransport::~MpiTransport() = default;

int MpiTransport::slots() const {
  int n = 0;
  for (const auto& w : impl_->ranks) n += std::max(1, w.capacity);
  return n;
}

bool MpiTransport::start(const Work& work) {
  Impl& m = *impl_;
  if (m.stopping) return false;
  for (std::size_t k = 0; k < m.ranks.size(); ++k) {
    const std::size_t r = (m.cursor + k) % m.ranks.size();
    Impl::Rank& w = m.ranks[r];
    if (w.lost || static_cast<int>(w.in_flight.size()) >= w.capacity) continue;
    if (r == 0) {
      m.local.set_capacity(w.capacity);
      if (!m.local.start(work)) continue;
    } else {
      const std::string bytes = StateArchive::save(RemoteWork::of(work));
      m.world.send(static_cast<int>(r), tag_assign, bytes.data(), static_cast<int>(bytes.size()));
    }
    w.in_flight.emplace(work.trial_id, true);
    m.cursor = r + 1;
    return true;
  }
  return false;
}

bool MpiTransport::poll(const SendChunk& deliver) {
  Impl& m = *impl_;
  bool busy = false;
  for (auto& c : m.given_up) deliver(std::move(c));
  busy = !m.given_up.empty();
  m.given_up.clear();
  while (auto st = m.world.iprobe(bmpi::any_source, bmpi::any_tag)) {
    m.receive(*st, deliver);
    busy = true;
  }
  busy |= m.local.poll([&](TrialChunk&& c) {
    if (c.outcome) m.ranks[0].in_flight.erase(c.trial_id);
    deliver(std::move(c));
  });
  const auto now = Clock::now();
  for (std::size_t r = 1; r < m.ranks.size(); ++r)
    if (!m.ranks[r].lost && now - m.ranks[r].heard > m.silence) m.give_up(r, "has been silent too long (LRLAB_MPI_TIMEOUT)");
  if (m.stopping && now > m.stop_deadline)
    for (std::size_t r = 1; r < m.ranks.size(); ++r)
      if (!m.ranks[r].lost && !m.ranks[r].in_flight.empty()) m.give_up(r, "did not stop in time");
  return busy;
}

void MpiTransport::wait(std::chrono::milliseconds most) {
  // MPI has no wait that does not spin: a short sleep, then the scheduler polls again.
  std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(most, idle_sleep));
}

void MpiTransport::stop() {
  Impl& m = *impl_;
  if (m.stopping) return;
  m.stopping = true;
  m.stop_deadline = Clock::now() + stop_grace;
  m.local.stop();
  for (std::size_t r = 1; r < m.ranks.size(); ++r)
    if (!m.ranks[r].lost) m.world.send(static_cast<int>(r), tag_stop);
}

std::string MpiTransport::stop_request() { return impl_->stop_request; }

int run_worker(Session& session, const Experiment& ex, const TrialEnv& env_in, int jobs) {
  bmpi::communicator& world = session.impl().world;
  TrialEnv env = env_in;
  env.rank = session.rank();
  const int threads = resolved_jobs(jobs);
  // The trials run on a ThreadTransport of this rank; this thread takes their chunks, encodes
  // them and sends them to rank 0.
  ThreadTransport trials(env, threads, 1 << 30);  // rank 0 decides how many run here
  std::vector<std::shared_ptr<const Checkpoint>> from;  // kept while their trials may read them

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
        const int n = st->count<char>().value_or(0);
        std::string buf(static_cast<std::size_t>(n), '\0');
        world.recv(0, tag_assign, buf.data(), n);
        StateArchive in = StateArchive::loading(std::move(buf));
        RemoteWork a;
        in(a);
        Work w{a.made ? ex.trials.trial(a.index, a.made) : ex.trials.at(a.index), a.trial_id, nullptr, a.until, a.made};
        if (a.from) from.push_back(w.from = std::make_shared<const Checkpoint>(std::move(*a.from)));
        trials.start(w);
      } else if (st->tag() == tag_stop) {
        world.recv(0, tag_stop);
        trials.stop();
      } else if (st->tag() == tag_exit) {
        int rc = 0;
        world.recv(0, tag_exit, rc);
        exit_code = rc;
      } else {
        drop(world, *st);
      }
    }
    if (exit_code) break;
    busy |= trials.poll([&](TrialChunk&& c) {
      const std::string bytes = encode_chunk(c);
      world.send(0, tag_chunk, bytes.data(), static_cast<int>(bytes.size()));
      last_sent = Clock::now();
    });
    if (env_in.stop && env_in.stop->load() && !said_stopping) {
      trials.stop();
      said_stopping = true;
      world.send(0, tag_stopping);
      last_sent = Clock::now();
    }
    if (Clock::now() - last_sent > heartbeat_every) {
      world.send(0, tag_alive);
      last_sent = Clock::now();
    }
    if (!busy) trials.wait(idle_sleep);
  }
  // Rank 0 has everything it waits for; whatever is still running (only if it gave up waiting)
  // stops when `trials` goes, its rows unsent: rank 0 no longer listens.
  return *exit_code;
}

}  // namespace lrlab::mpi
