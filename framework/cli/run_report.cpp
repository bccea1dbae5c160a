#include "run_report.hpp"

#include <csignal>
#include <cstdio>
#include <string>

namespace lrlab::cli {
namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }
}  // namespace

std::atomic<bool>& stop_requested() { return g_stop; }

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

void print_run_summary(const RunSummary& s) {
  const SweepReport& r = s.report;
  std::string resumed;
  if (s.resumed) {
    resumed = ", resumed with " + std::to_string(r.skipped) + " already done";
    if (r.from_checkpoints > 0) resumed += " and " + std::to_string(r.from_checkpoints) + " continued from checkpoints";
  }
  std::fprintf(stderr,
               "lrlab: %s: %lld trials in %.1f s (%.2f trials/s%s): %lld completed, %s%lld stopped early, %lld diverged, "
               "%lld failed%s%s -> %s\n",
               s.name.c_str(), static_cast<long long>(s.ran), r.seconds, r.seconds > 0 ? s.ran / r.seconds : 0.0,
               s.ranks > 1 ? (" on " + std::to_string(s.ranks) + " MPI ranks").c_str() : "", static_cast<long long>(r.completed),
               (r.pruned ? std::to_string(r.pruned) + " pruned, " : "").append(
                   r.exploited ? std::to_string(r.exploited) + " replaced by PBT copies, " : "").c_str(),
               static_cast<long long>(r.stopped_early), static_cast<long long>(r.diverged), static_cast<long long>(r.failed),
               resumed.c_str(),
               r.interrupted ? (", interrupted: " + std::to_string(r.interrupted) + " left for a rerun").c_str() : "",
               s.db_path.string().c_str());
  if (!r.write_failure.empty()) {
    // The counts above are of outcomes computed; what the database holds is what counts now.
    const std::string held = s.stored_finished < 0 ? std::string("the trials it had stored are kept")
                                                    : "the database holds " + std::to_string(s.stored_finished) + " of the " +
                                                          std::to_string(r.total) + " trials finished (a trial whose rows "
                                                          "could not be committed is not among them)";
    std::fprintf(stderr,
                 "lrlab: error: could not write %s: %s. The sweep stopped at the first failure: %s, %lld were not run; "
                 "rerun the same command once there is room, and it resumes\n",
                 s.db_path.string().c_str(), r.write_failure.c_str(), held.c_str(), static_cast<long long>(r.interrupted));
  }
  // trial_id: the number verify --trial, export-schedule --trial and SQL on the trials table take.
  for (const auto& [trial_id, error] : r.failures)
    std::fprintf(stderr, "lrlab: trial %lld failed: %s\n", static_cast<long long>(trial_id), error.c_str());
}

}  // namespace lrlab::cli
