// plugins() and describe(): the catalogue as `lrlab plugins --format json` and `lrlab describe
// --format json` print it (component_json.hpp), as JSON text.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "lrlab/component_json.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab::python {
namespace {

std::optional<std::filesystem::path>& plugin_home() {
  static std::optional<std::filesystem::path> home;
  return home;
}

std::string plugins_json(const std::vector<std::string>& dirs) {
  return catalogue_json(catalog(dirs)).dump();
}

std::string describe_json(const std::string& name, const std::vector<std::string>& dirs) {
  if (const OptimizerDecl* o = find_optimizer(name)) return Json::array({optimizer_json(o->doc)}).dump();
  const Catalog c = catalog(dirs);
  Json hits = Json::array();
  std::vector<std::string> names;
  for (const auto* ci : c.components()) {
    names.push_back(ci->name);
    if (ci->name == name) hits.push_back(component_json(*ci));
  }
  for (const auto& o : optimizer_names()) names.push_back(o);
  if (hits.empty()) throw SpecError("", "no component named " + name + did_you_mean(name, names) + " (see lrlab.plugins())");
  return hits.dump();
}

}  // namespace

void set_plugin_home(const std::string& dir) { plugin_home() = std::filesystem::path(dir); }

Catalog catalog(const std::vector<std::string>& extra_dirs) {
  return Catalog::standard({extra_dirs.begin(), extra_dirs.end()}, plugin_home());
}

void bind_catalog(py::module_& m) {
  m.def("set_plugin_home", &set_plugin_home, py::arg("dir"), "the folder of plugins the package ships with");
  m.def("plugins_json", &plugins_json, py::arg("plugin_dirs") = std::vector<std::string>{},
        "every component, as `lrlab plugins --format json` prints them");
  m.def("describe_json", &describe_json, py::arg("name"), py::arg("plugin_dirs") = std::vector<std::string>{},
        "the components named `name` (one per library), as `lrlab describe --format json` prints one");
}

}  // namespace lrlab::python
