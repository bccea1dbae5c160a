#pragma once
// lrlab's exit codes (docs/contracts.md, "Command line"): what scripts and schedulers rely on.
namespace lrlab {
inline constexpr int exit_ok = 0;
inline constexpr int exit_trial_failed = 1;   // some trial failed; the others ran and were stored
inline constexpr int exit_usage = 2;          // bad usage or bad spec: nothing written
inline constexpr int exit_write_failed = 3;   // the database could not be written (a full disk): the sweep
                                              // stopped there, what was committed is kept, a rerun resumes
inline constexpr int exit_interrupted = 130;  // what finished is stored; a rerun resumes
}  // namespace lrlab
