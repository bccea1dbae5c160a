#pragma once
// Trials on MPI ranks (`mpirun -np N lrlab run SPEC`). Built only with LRLAB_MPI (LRLAB_WITH_MPI
// is then defined); nothing else in lrlab touches MPI.
//
// Every rank plans the experiment itself (same spec, same plugins, same data: the ranks check
// that they agree before anything runs). Rank 0 owns the database and runs the one scheduler
// (scheduler.hpp) over an MpiTransport: the transport gives a rank as many trials as it has trial
// threads, and one more each time one of its trials reports its outcome (dynamic: a rank with cheap
// trials simply gets more). Workers stream each running trial's chunks to rank 0 (chunk_codec.hpp),
// which hands them to the scheduler and its writer exactly as a thread's chunks are. Rank 0 runs
// trials too, on one fewer thread than --jobs: one of its cores goes to the writer and the
// dispatcher, which take in every rank's rows (with --jobs 1 it only writes). A trial runs on one
// thread from start to end, so its rows do not depend on the rank that ran it.
//
// Stopping: SIGINT/SIGTERM on any rank stops the whole sweep: no new trials, the running ones end
// "interrupted" (put back to pending, or to their last checkpoint), exit 130; rank 0 waits half a
// second for the workers' trials to report, then leaves any that did not for the rerun. A worker
// that falls silent (dead, stopped) for LRLAB_MPI_TIMEOUT seconds (default 60) is given up: its
// trials in flight are left for a rerun, the others finish, and rank 0 ends the job with
// MPI_Abort(130) once the database is closed. (Open MPI's mpirun does not wait for that: when a
// rank dies it kills the job, rank 0 gets SIGTERM and stops as above, keeping every trial it
// received whole.)
//
// All MPI calls are made from the thread that created the Session (MPI_THREAD_FUNNELED).
#include <memory>
#include <string>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/scheduler.hpp"
#include "lrlab/trial_run.hpp"

namespace lrlab::mpi {

// Whether an MPI launcher (mpirun/mpiexec, srun with PMI/PMIx) started this process as one of
// several ranks. Reads the environment only; initializes nothing. Always available, also in a
// build without MPI, which must refuse to run as one of several ranks.
bool launched();

#ifdef LRLAB_WITH_MPI

// What a rank says about itself once it has planned the experiment.
struct RankInfo {
  std::string host;
  int jobs = 0;             // trial threads on this rank (0: as many as it has cores)
  int cores = 0;            // CPUs this rank may run on (its affinity mask), filled in by agree()
  std::string fingerprint;  // the expanded trials and the inputs (inputs_text(), inputs.hpp): data, plugins, build
  std::string error;        // empty when this rank is ready
};

// MPI_Init .. MPI_Finalize.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const;
  int size() const;

  // Collective: every rank reports; every rank gets the verdict, empty when all are ready, else
  // what went wrong first ("rank 2 (node7): cannot open data/digits.csv.gz ..."), rank 0's own
  // error first. Rank 0 keeps the reports (jobs per rank) for the sweep.
  std::string agree(const RankInfo& mine);
  const std::vector<RankInfo>& ranks() const;

  // Rank 0, after the sweep and with the database closed: let the workers go with `exit_code`.
  // If a worker was given up, ends the whole job with MPI_Abort(exit_code) instead (a dead rank
  // would hang MPI_Finalize).
  void release_workers(int exit_code);

  // Any rank: end the whole job now (MPI_Abort), after an error that leaves the others waiting.
  [[noreturn]] void abort(int exit_code);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Rank 0's side: trials on every rank, rank 0's own on its TrialPool. For run_sweep().
class MpiTransport final : public Transport {
 public:
  MpiTransport(Session& session, const TrialEnv& env, int jobs);
  ~MpiTransport() override;

  int slots() const override;
  bool start(const Work& work) override;
  bool poll(const SendChunk& deliver) override;
  void wait(std::chrono::milliseconds most) override;
  void stop() override;
  std::string stop_request() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Ranks 1..N-1: run the trials rank 0 hands out until it says the sweep is over; returns the exit
// code rank 0 chose for the whole run.
int run_worker(Session& session, const Experiment& ex, const TrialEnv& env, int jobs);

#endif

}  // namespace lrlab::mpi
