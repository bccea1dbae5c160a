// lrlab: reproducible learning-rate experiments with Adam. The one place where errors become
// exit codes: 2 for bad usage, a bad spec, a bad database or a bad plugin (nothing written).
#include <iostream>

#include "commands.hpp"
#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"

int main(int argc, char** argv) {
  using namespace lrlab;
  using namespace lrlab::cli;
  CLI::App app{"lrlab: reproducible learning-rate experiments with the Adam optimizer", "lrlab"};
  app.set_version_flag("--version", std::string("lrlab ") + build_info::version + " (" + build_info::git_commit + ")");
  app.require_subcommand(1);
  for (int i = 0; i < argc; ++i) invocation() += (i ? " " : "") + std::string(argv[i]);
  Action action;
  add_run(app, action);
  add_validate(app, action);
  add_plugins(app, action);
  add_describe(app, action);
  add_preview(app, action);
  add_query(app, action);
  add_verify(app, action);
  add_new_plugin(app, action);
  add_summary(app, action);
  add_export(app, action);
  add_schema(app, action);
  add_plot(app, action);
  add_report(app, action);
  add_find_lr(app, action);
  add_replay(app, action);
  add_export_schedule(app, action);
  add_serve(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  try {
    return action();
  } catch (const SpecError& e) {
    std::cerr << "lrlab: error: " << e.what() << "\n";
  } catch (const PluginLoadError& e) {
    std::cerr << "lrlab: plugin error: " << e.what() << "\n";
  } catch (const StoreError& e) {
    std::cerr << "lrlab: database error: " << e.what() << "\n";
  } catch (const TaskError& e) {
    std::cerr << "lrlab: task error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    // Not one of lrlab's own errors: a bug, or the system refusing (disk full, permissions).
    std::cerr << "lrlab: error: " << e.what() << "\n";
  }
  return exit_usage;
}
