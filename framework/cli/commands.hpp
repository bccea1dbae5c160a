#pragma once
// The sub-commands of `lrlab`, one file each. Every add_* function declares its command's options
// on `app` and sets `action` to what runs when that command is chosen. Actions return the exit
// code; typed errors (SpecError, StoreError, PluginLoadError) are turned into exit 2 in main.cpp.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/exit_codes.hpp"

namespace lrlab::cli {

using Action = std::function<int()>;

using lrlab::exit_interrupted;
using lrlab::exit_ok;
using lrlab::exit_trial_failed;
using lrlab::exit_usage;

void add_run(CLI::App& app, Action& action);
void add_validate(CLI::App& app, Action& action);
void add_plugins(CLI::App& app, Action& action);
void add_describe(CLI::App& app, Action& action);
void add_preview(CLI::App& app, Action& action);
void add_query(CLI::App& app, Action& action);
void add_verify(CLI::App& app, Action& action);
void add_new_plugin(CLI::App& app, Action& action);
void add_serve(CLI::App& app, Action& action);
void add_summary(CLI::App& app, Action& action);
void add_export(CLI::App& app, Action& action);
void add_schema(CLI::App& app, Action& action);
void add_plot(CLI::App& app, Action& action);
void add_report(CLI::App& app, Action& action);
void add_find_lr(CLI::App& app, Action& action);
void add_replay(CLI::App& app, Action& action);
void add_export_schedule(CLI::App& app, Action& action);

// The command line lrlab was started with, for provenance.
std::string& invocation();

// --plugin-dir DIR (repeatable), for every command that needs components.
void add_plugin_dir_option(CLI::App& cmd, std::vector<std::filesystem::path>& dirs);

// "a, b,,c" -> {"a", "b", "c"} (items trimmed, empty ones dropped): the lists of --by, --metrics, --heatmap.
std::vector<std::string> split_list(const std::string& text);

}  // namespace lrlab::cli
