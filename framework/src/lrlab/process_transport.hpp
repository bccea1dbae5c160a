#pragma once
// Trials in worker processes (`lrlab run SPEC --isolate`): each of `jobs` workers is lrlab itself,
// started as `lrlab run SPEC --worker` (with the same plugin folders), which plans the experiment
// as an MPI rank does and then runs the trials it is given, one at a time, on one thread. A trial
// that crashes its process (a segfault in a plugin) fails alone: its outcome says which signal
// ended it, the worker is replaced, and the sweep goes on, where in one process it would take the
// whole sweep down with it on every rerun. The rows are the same bits as on threads: the same plan,
// the same code, one thread per trial.
//
// The protocol, on two pipes per worker (fd 3: work in; fd 4: chunks out; the worker's stdout and
// stderr are lrlab's own, so a plugin that prints cannot corrupt it): frames of a 64-bit length
// and that many bytes, StateArchive bytes of {trial index, trial_id, checkpoint to continue from}
// one way, encode_chunk() bytes the other. A worker reads end-of-file when the sweep is over.
#include <memory>
#include <string>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/scheduler.hpp"

namespace lrlab {

class ProcessTransport final : public Transport {
 public:
  // `worker_command`: the argv of a worker (lrlab's own path first).
  ProcessTransport(std::vector<std::string> worker_command, int jobs);
  ~ProcessTransport() override;

  int slots() const override;
  bool start(const Work& work) override;
  bool poll(const SendChunk& deliver) override;
  void wait(std::chrono::milliseconds most) override;
  void stop() override;

  struct Worker;

 private:
  std::vector<std::string> command_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool stopping_ = false;
};

// The worker's side: read work from fd 3 until end-of-file, run each trial of `ex` with `env`,
// write its chunks to fd 4. Returns the exit code.
int run_process_worker(const Experiment& ex, const TrialEnv& env);

}  // namespace lrlab
