// lrlab plugins [--format table|json]: every component: kind, name, library, parameters.
#include <iostream>

#include "commands.hpp"
#include "lrlab/component_json.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {
struct PluginsOptions {
  std::vector<std::filesystem::path> plugin_dirs;
  std::string format = "table";
};

int plugins(const PluginsOptions& o) {
  const Catalog catalog = Catalog::standard(o.plugin_dirs);
  if (o.format == "json") {
    std::cout << catalogue_json(catalog).dump(2) << "\n";
    return exit_ok;
  }
  if (o.format != "table") throw SpecError("", "--format must be table or json; received \"" + o.format + "\"");
  Table t{{"kind", "name", "library", "parameters"}, {}};
  for (const auto* c : catalog.components()) {
    std::string params;
    for (const auto& p : c->params) params += (params.empty() ? "" : ", ") + p.name;
    t.rows.push_back({std::string(to_string(c->kind)), c->name, c->library, params});
  }
  // The optimizers are core types of the spec's "optimizer" section, listed so that one command shows every name.
  for (const auto& o : optimizers()) {
    std::string params;
    for (const auto& p : o.doc.params)
      if (p.name != "type") params += (params.empty() ? "" : ", ") + p.name;
    t.rows.push_back({"optimizer", o.doc.name, o.doc.library, params});
  }
  print(std::cout, t, Format::table);
  return exit_ok;
}
}  // namespace

void add_plugins(CLI::App& app, Action& action) {
  auto o = std::make_shared<PluginsOptions>();
  auto* cmd = app.add_subcommand("plugins", "list every schedule, policy, task and optimizer, with where it comes from");
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("--format", o->format, "table or json");
  cmd->callback([&action, o] { action = [o] { return plugins(*o); }; });
}

}  // namespace lrlab::cli
