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
  Table t{{"trial_index", "repeat", "seed", "steps", "grid", "config"}, {}};
  for (const auto& tr : ex.trials)
    t.rows.push_back({tr.index, tr.repeat, static_cast<std::int64_t>(tr.seed), tr->total_steps, tr->grid_point.dump(),
                      tr->config_text});
  if (format == Format::table) {
    std::cout << o.spec.string() << ": valid. Experiment \"" << ex.name << "\": " << ex.trials.size() << " trials ("
              << ex.trials.size() / static_cast<std::size_t>(ex.repeats) << " configurations x " << ex.repeats
              << " repeats)\n";
    Table brief{{"trial_index", "repeat", "seed", "steps", "grid"}, {}};
    for (auto row : t.rows) {
      row.pop_back();
      brief.rows.push_back(std::move(row));
    }
    print(std::cout, brief, format);
  } else {
    print(std::cout, t, format);
  }
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
