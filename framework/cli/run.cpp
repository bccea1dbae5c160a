// lrlab run SPEC.json [--db PATH] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
//
// Parses the options and prints; the run itself is the core's use case (runner.hpp): validate
// everything first (a bad spec exits 2 and creates nothing), then resume the latest experiment of
// that name in the database when its spec is the same, or start a new one. Started by mpirun as
// one of several ranks, the same command runs one sweep across them.
#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "lrlab/runner.hpp"

namespace lrlab::cli {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }

// SIGINT (Ctrl-C), SIGTERM (kill, a batch system's time limit) and SIGHUP (the terminal or ssh
// session closing) all stop the sweep the same way: running trials stop (and checkpoint), the
// summary is printed, the runs row is closed, exit 130. Until the sweep starts (planning, creating
// the database) they only set the flag, so a signal never leaves a half-made database behind.
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

// The summary line, and one line per failed trial.
void print_summary(const RunSummary& s) {
  const SweepReport& r = s.report;
  std::string resumed;
  if (s.resumed) {
    resumed = ", resumed with " + std::to_string(r.skipped) + " already done";
    if (r.from_checkpoints > 0) resumed += " and " + std::to_string(r.from_checkpoints) + " continued from checkpoints";
  }
  std::fprintf(stderr,
               "lrlab: %s: %lld trials in %.1f s (%.2f trials/s%s): %lld completed, %lld stopped early, %lld diverged, "
               "%lld failed%s%s -> %s\n",
               s.name.c_str(), static_cast<long long>(s.ran), r.seconds, r.seconds > 0 ? s.ran / r.seconds : 0.0,
               s.ranks > 1 ? (" on " + std::to_string(s.ranks) + " MPI ranks").c_str() : "", static_cast<long long>(r.completed),
               static_cast<long long>(r.stopped_early), static_cast<long long>(r.diverged), static_cast<long long>(r.failed),
               resumed.c_str(),
               r.interrupted ? (", interrupted: " + std::to_string(r.interrupted) + " left for a rerun").c_str() : "",
               s.db_path.string().c_str());
  if (!r.write_failure.empty())
    std::fprintf(stderr,
                 "lrlab: error: could not write %s: %s. The sweep stopped at the first failure: the trials it had "
                 "stored are kept, %lld were not run; rerun the same command once there is room, and it resumes\n",
                 s.db_path.string().c_str(), r.write_failure.c_str(), static_cast<long long>(r.interrupted));
  for (const auto& [index, error] : r.failures)
    std::fprintf(stderr, "lrlab: trial %lld failed: %s\n", static_cast<long long>(index), error.c_str());
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("run", "run an experiment (resumes an unfinished one); under mpirun, across the ranks");
  cmd->add_option("spec", o->spec, "the experiment spec (JSON)")->required();
  cmd->add_option("--db", o->db, "results database (default results/<name>.db)");
  cmd->add_option("--jobs,-j", o->jobs, "trials run in parallel, per MPI rank (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_flag("--fresh", o->fresh, "start a new experiment instead of resuming");
  cmd->add_flag("--isolate", o->isolate,
                "run each trial in a worker process: a trial that crashes (a segfault in a plugin) fails alone");
  cmd->add_flag("--worker", o->worker, "internal: a worker process of --isolate")->group("");
  cmd->add_flag("--quiet,-q", *quiet, "no progress line");
  cmd->callback([&action, o, quiet] {
    o->command_line = invocation();
    o->progress = !*quiet;
    o->stop = &g_stop;
    action = [o] {
      install_signal_handlers();
      return run_experiment(*o, print_summary);
    };
  });
}

}  // namespace lrlab::cli
