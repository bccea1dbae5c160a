// lrlab plugins [--format table|json]: every component: kind, name, library, parameters.
#include <iostream>

#include "commands.hpp"
#include "lrlab/component_json.hpp"
#include "lrlab/errors.hpp"
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
    Json all = Json::array();
    for (const auto* c : catalog.components()) all.push_back(component_json(*c));
    std::cout << all.dump(2) << "\n";
    return exit_ok;
  }
  if (o.format != "table") throw SpecError("", "--format must be table or json; received \"" + o.format + "\"");
  Table t{{"kind", "name", "library", "parameters"}, {}};
  for (const auto* c : catalog.components()) {
    std::string params;
    for (const auto& p : c->params) params += (params.empty() ? "" : ", ") + p.name;
    t.rows.push_back({std::string(to_string(c->kind)), c->name, c->library, params});
  }
  print(std::cout, t, Format::table);
  return exit_ok;
}
}  // namespace

void add_plugins(CLI::App& app, Action& action) {
  auto o = std::make_shared<PluginsOptions>();
  auto* cmd = app.add_subcommand("plugins", "list every schedule, policy and task, with its library");
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("--format", o->format, "table or json");
  cmd->callback([&action, o] { action = [o] { return plugins(*o); }; });
}

}  // namespace lrlab::cli
