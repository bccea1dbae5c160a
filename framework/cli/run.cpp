// lrlab run SPEC.json [--db PATH] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
// lrlab run DB [--experiment NAME|ID] [--db PATH] ...   (a stored spec again: stored_spec.hpp)
//
// Parses the options and prints; the run itself is the core's use case (runner.hpp): validate
// everything first (a bad spec exits 2 and creates nothing), then resume the latest experiment of
// that name in the database when its spec is the same, or start a new one. Started by mpirun as
// one of several ranks, the same command runs one sweep across them.
#include "commands.hpp"
#include "number_checks.hpp"
#include "run_report.hpp"

namespace lrlab::cli {

void add_run(CLI::App& app, Action& action) {
  auto o = std::make_shared<RunRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("run", "run an experiment (resumes an unfinished one); under mpirun, across the ranks");
  cmd->add_option("spec", o->spec, "the experiment spec (JSON), or a results database: run one of its stored specs again")
      ->required();
  cmd->add_option("--experiment", o->experiment,
                  "with a database for SPEC: the experiment (name or id; default the latest) whose spec to run");
  cmd->add_option("--db", o->db, "results database (default results/<name>.db)");
  cmd->add_option("--jobs,-j", o->jobs, "trials run in parallel, per MPI rank (default: all cores)")
      ->check(non_negative_number());
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_flag("--fresh", o->fresh, "start a new experiment instead of resuming");
  cmd->add_flag("--isolate", o->isolate,
                "run each trial in a worker process: a trial that crashes (a segfault in a plugin) fails alone");
  cmd->add_flag("--worker", o->worker, "internal: a worker process of --isolate")->group("");
  cmd->add_flag("--quiet,-q", *quiet, "no progress line");
  cmd->callback([&action, o, quiet] {
    o->command_line = invocation();
    o->progress = !*quiet;
    o->stop = &stop_requested();
    action = [o] {
      install_stop_signals();
      return run_experiment(*o, print_run_summary);
    };
  });
}

}  // namespace lrlab::cli
