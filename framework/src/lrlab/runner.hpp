#pragma once
// The run use case, `lrlab run SPEC`: plan the experiment, open or create its database, decide
// what a rerun resumes (finished trials kept, unfinished ones continued from their checkpoint or
// rerun), record the provenance of the invocation, choose the transport (this process's threads,
// or MPI ranks when an MPI launcher started it) and run the one scheduler over it. The command
// line only parses options and prints; tests and other front ends call run_experiment directly.
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lrlab/scheduler.hpp"

namespace lrlab {

struct RunRequest {
  // A spec file, or a results database: then the spec of its experiment `experiment` (a name or
  // an id; default its latest), run again (stored_spec.hpp). Without --db, into that experiment of
  // that database (it resumes, or grows); with --db, as the spec file would be.
  std::filesystem::path spec;
  std::string experiment;
  std::filesystem::path db;  // empty: results/<name>.db under the current folder
  int jobs = 0;              // trial threads per process (0: all cores)
  std::vector<std::filesystem::path> plugin_dirs;
  bool fresh = false;                       // a new experiment instead of resuming
  bool isolate = false;                     // each trial in a worker process (process_transport.hpp)
  bool worker = false;                      // be such a worker: run the trials given on fd 3
  bool progress = false;                    // live progress line
  std::string command_line;                 // for the runs table
  const std::atomic<bool>* stop = nullptr;  // SIGINT/SIGTERM
};

// What the process that reports (the only one, or MPI rank 0) learns of the sweep.
struct RunSummary {
  std::string name;
  std::filesystem::path db_path;
  bool resumed = false;
  int ranks = 1;         // MPI ranks (1 without MPI)
  std::int64_t ran = 0;  // trials that ran to an outcome in this invocation
  // After a failed write (a full disk): the trials the database holds finished, as it says (the
  // tally above also counts trials whose rows could not be committed); -1 otherwise.
  std::int64_t stored_finished = -1;
  SweepReport report;
  int exit_code = 0;
};

// Runs the experiment. `report` is called once, by the reporting process, when the sweep is over
// and before other ranks are let go. Returns the exit code (exit_codes.hpp); throws SpecError,
// StoreError or PluginLoadError (exit 2) for what is wrong before anything ran.
int run_experiment(const RunRequest& request, const std::function<void(const RunSummary&)>& report);

}  // namespace lrlab
