// Schedule: a schedule spec built as `lrlab preview` builds it, so its rates are preview's, bit for
// bit: value(t), beta_1(t), and table(n) as a NumPy array.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/trial_config.hpp"

namespace lrlab::python {

Json component_from(const Resolver& resolver, Kind kind, const std::string& json_text, const std::string& where) {
  const Json declared = parse_spec(json_text, where, ".").json;
  try {
    return resolver.component(kind, declared, "");
  } catch (const SpecError& e) {
    throw SpecError(e.pointer(), where + ": " + e.problem());
  }
}

SchedulePtr schedule_from(const Resolver& resolver, const std::string& json_text, const ScheduleContext& ctx) {
  const Json declared = parse_spec(json_text, "schedule", ".").json;
  try {
    return build_schedule(resolver, resolver.component(Kind::schedule, declared, ""), "", ctx, &declared);
  } catch (const SpecError& e) {
    throw SpecError(e.pointer(), "schedule: " + e.problem());
  }
}

namespace {

class PySchedule {
 public:
  PySchedule(const std::string& spec, double base_lr, std::int64_t total_steps, std::int64_t steps_per_epoch,
             const std::vector<std::string>& plugin_dirs) {
    if (!std::isfinite(base_lr)) throw SpecError("", "base_lr must be a finite number");
    if (total_steps < 0) throw SpecError("", "total_steps must be >= 0");
    if (steps_per_epoch < 1) throw SpecError("", "steps_per_epoch must be >= 1");
    const Catalog c = catalog(plugin_dirs);
    const Resolver resolver(c);
    schedule_ = schedule_from(resolver, spec, schedule_context(base_lr, total_steps, steps_per_epoch));
  }
  double value(std::int64_t t) const { return schedule_->value(t); }
  std::optional<double> beta_1(std::int64_t t) const { return schedule_->beta_1(t); }
  py::array_t<double> table(std::int64_t n, std::int64_t start) const {
    if (n < 0) throw SpecError("", "table(n): n must be >= 0");
    py::array_t<double> out(n);
    auto v = out.mutable_unchecked<1>();
    for (std::int64_t i = 0; i < n; ++i) v(i) = schedule_->value(start + i);
    return out;
  }

 private:
  SchedulePtr schedule_;
};

}  // namespace

void bind_schedule(py::module_& m) {
  py::class_<PySchedule>(m, "Schedule")
      .def(py::init<const std::string&, double, std::int64_t, std::int64_t, const std::vector<std::string>&>(),
           py::arg("spec"), py::arg("base_lr"), py::arg("total_steps"), py::arg("steps_per_epoch"), py::arg("plugin_dirs"))
      .def("value", &PySchedule::value, py::arg("step"))
      .def("beta_1", &PySchedule::beta_1, py::arg("step"))
      .def("table", &PySchedule::table, py::arg("n"), py::arg("start") = 0);
}

}  // namespace lrlab::python
