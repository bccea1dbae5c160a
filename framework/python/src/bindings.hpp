#pragma once
// The Python module lrlab._core: the C++ objects behind the lrlab package (framework/python/lrlab/),
// one file per concept. JSON crosses as text (json.dumps / json.loads on the Python side), so the
// module needs nothing but pybind11. lrlab's typed errors become Python exceptions in one place
// (module.cpp): SpecError -> lrlab.SpecError (a ValueError), StoreError -> lrlab.StoreError,
// PluginLoadError -> lrlab.PluginLoadError (both RuntimeErrors).
#include <pybind11/pybind11.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab::python {

namespace py = pybind11;

// The catalogue the CLI would have: built-ins, the package's folder of plugins (set by the package
// at import: the build tree's or the installation's), `extra_dirs`, LRLAB_PLUGIN_PATH.
Catalog catalog(const std::vector<std::string>& extra_dirs);
void set_plugin_home(const std::string& dir);

// A component object from Python (JSON text), checked and built as a spec's would be: its errors
// name `where` ("schedule", "policies[1]") and the JSON pointer inside it.
Json component_from(const Resolver& resolver, Kind kind, const std::string& json_text, const std::string& where);
SchedulePtr schedule_from(const Resolver& resolver, const std::string& json_text, const ScheduleContext& ctx);

void bind_catalog(py::module_& m);     // plugins(), describe()
void bind_schedule(py::module_& m);    // Schedule: a spec's rate at any step
void bind_rates(py::module_& m);       // RateControl: a schedule with policies, beside a torch optimizer
void bind_recording(py::module_& m);   // Recording: a user's loop into a results database

}  // namespace lrlab::python
