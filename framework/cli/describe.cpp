// lrlab describe NAME: one component: summary, formula, source, parameters, example.
#include <iostream>

#include "commands.hpp"
#include "lrlab/component_json.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/suggest.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {
struct DescribeOptions {
  std::string name;
  std::vector<std::filesystem::path> plugin_dirs;
  std::string format = "text";
};

// The optimizers are the spec's "optimizer" section rather than plugin components, but users look
// them up by name like the rest: the same page, from their declarations (optimizer.hpp).
void describe_one(const ComponentInfo& c, const std::string& kind) {
  std::cout << c.name << " (" << kind << ", from " << c.library << ")\n  " << c.summary << "\n\n";
  std::cout << "Formula:  " << c.formula << "\n";
  std::cout << "Source:   " << c.source << "\n";
  if (!c.notes.empty()) std::cout << "Notes:    " << c.notes << "\n";
  std::cout << "\nParameters:\n";
  Table t{{"name", "type", "default", "allowed", "meaning"}, {}};
  auto row = [&](const Param& p) {
    std::string def = p.is_required ? "(required)" : p.default_value.is_null() ? "(none)" : p.default_value.dump();
    std::string allowed = p.range_text();
    for (const auto& ch : p.choices) allowed += (allowed.empty() ? "" : " | ") + ch;
    for (const auto& a : p.aliases) allowed += (allowed.empty() ? "" : "; ") + std::string("alias ") + a;
    t.rows.push_back({p.name, std::string(to_string(p.type)), def, allowed, p.doc});
  };
  for (const auto& p : c.params) {
    if (kind != "optimizer" || p.name != "type") {
      row(p);
      continue;
    }
    // On an optimizer's page the type is that optimizer's name (adam's is also the default).
    Param shown = p;
    shown.default_value = c.name;
    shown.choices.clear();
    shown.doc = "\"" + c.name + "\" for this one; without \"type\" the section is adam's";
    row(shown);
  }
  if (kind == "schedule") row(unit_param());  // every schedule takes "unit"; an optimizer does not
  print(std::cout, t, Format::table);
  std::cout << "\nExample:\n  " << c.example.dump() << "\n";
}

int describe(const DescribeOptions& o) {
  const Catalog catalog = Catalog::standard(o.plugin_dirs);
  std::vector<const ComponentInfo*> hits;
  std::vector<std::string> names;
  for (const auto* c : catalog.components()) {
    names.push_back(c->name);
    if (c->name == o.name) hits.push_back(c);
  }
  const OptimizerDecl* optimizer = find_optimizer(o.name == "optimizer" ? "adam" : o.name);
  if (optimizer) {
    if (o.format == "json") {
      std::cout << optimizer_json(optimizer->doc).dump(2) << "\n";
    } else {
      describe_one(optimizer->doc, "optimizer");
    }
    return exit_ok;
  }
  for (const auto& name : optimizer_names()) names.push_back(name);
  if (hits.empty()) throw SpecError("", "no component named " + o.name + did_you_mean(o.name, names) + " (see `lrlab plugins`)");
  if (o.format == "json") {
    Json all = Json::array();
    for (const auto* c : hits) all.push_back(component_json(*c));
    std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
    return exit_ok;
  }
  for (const auto* c : hits) describe_one(*c, to_string(c->kind));
  return exit_ok;
}
}  // namespace

void add_describe(CLI::App& app, Action& action) {
  auto o = std::make_shared<DescribeOptions>();
  auto* cmd = app.add_subcommand("describe", "show one component: parameters, defaults, formula, example");
  cmd->add_option("name", o->name, "component name, e.g. exponential_decay")->required();
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&action, o] { action = [o] { return describe(*o); }; });
}

}  // namespace lrlab::cli
