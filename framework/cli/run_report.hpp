#pragma once
// What the commands that run trials (run, find-lr) share: how a signal stops a sweep, and the line
// that says how it went.
#include <atomic>

#include "lrlab/runner.hpp"

namespace lrlab::cli {

// Set by SIGINT, SIGTERM or SIGHUP once install_stop_signals() ran: the RunRequest's `stop`.
std::atomic<bool>& stop_requested();

// SIGINT (Ctrl-C), SIGTERM (kill, a batch system's time limit) and SIGHUP (the terminal or ssh
// session closing) all stop the sweep the same way: running trials stop (and checkpoint), the
// summary is printed, the runs row is closed, exit 130. Until the sweep starts (planning, creating
// the database) they only set the flag, so a signal never leaves a half-made database behind.
void install_stop_signals();

// The summary line, and one line per failed trial (stderr).
void print_run_summary(const RunSummary& s);

}  // namespace lrlab::cli
