// lrlab validate SPEC.json: check everything, print the trials the spec expands to; writes nothing.
#include <iostream>

#include "commands.hpp"
#include "lrlab/experiment.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace fs = std::filesystem;

namespace {
struct ValidateOptions {
  fs::path spec;
  std::vector<fs::path> plugin_dirs;
  std::string format = "table";
};

int validate(const ValidateOptions& o) {
  const Format format = parse_format(o.format);
  const Spec spec = load_spec(o.spec);
  const Catalog catalog = Catalog::standard(o.plugin_dirs);
  const Resolver resolver(catalog);
  SharedData shared;
  const Experiment ex = plan_experiment(spec, resolver, shared);
  if (format == Format::table && ex.pbt) {
    // A population: its first generation is planned; the copies come from the stored evaluations.
    const std::int64_t budget = ex.trials.point(0)->total_steps;
    const std::int64_t generations = (budget - 1) / ex.pbt->interval;
    std::cout << o.spec.string() << ": valid. Experiment \"" << ex.name << "\": population-based training of "
              << ex.pbt->population << " members, " << generations << (generations == 1 ? " generation" : " generations") << " of " << ex.pbt->interval
              << " updates; at each, the bottom " << quantile_count(ex.pbt->population, ex.pbt->quantile)
              << " copy members of the top as many (up to " << generations * quantile_count(ex.pbt->population, ex.pbt->quantile)
              << " copies). The first generation:\n";
  } else if (format == Format::table) {
    std::cout << o.spec.string() << ": valid. Experiment \"" << ex.name << "\": " << ex.trials.size() << " trials ("
              << ex.trials.points() << " configurations x " << ex.repeats << " repeats)\n";
  }
  // Row by row, as the plan makes them: the trials of a large grid are never all in memory.
  const bool brief = format == Format::table;
  std::vector<std::string> columns{"trial_index", "repeat", "seed", "steps", "grid"};
  if (!brief) columns.push_back("config");
  analysis::TableWriter out(std::cout, format, columns);
  for (const auto& tr : ex.trials) {
    std::vector<Cell> row{tr.index, tr.repeat, static_cast<std::int64_t>(tr.seed), tr->total_steps, tr->grid_point.dump()};
    if (!brief) row.push_back(tr->config_text);
    out.row(row);
  }
  out.finish();
  return exit_ok;
}
}  // namespace

void add_validate(CLI::App& app, Action& action) {
  auto o = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "check a spec and print the trials it expands to (writes nothing)");
  cmd->add_option("spec", o->spec, "the experiment spec (JSON)")->required();
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("--format", o->format, "table (trials in brief), csv or json (with each resolved config)");
  cmd->callback([&action, o] { action = [o] { return validate(*o); }; });
}

}  // namespace lrlab::cli
