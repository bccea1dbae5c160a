// Recording from Python (recording.hpp): lrlab.Recorder is its context manager.
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "lrlab/recording.hpp"

namespace lrlab::python {

void bind_recording(py::module_& m) {
  py::class_<Recording>(m, "Recording")
      .def(py::init([](const std::string& db, const std::string& experiment, const std::string& config_json,
                       std::int64_t repeat, std::optional<std::int64_t> seed, std::int64_t steps_per_epoch,
                       const std::string& description, const std::string& command_line) {
             RecordingOptions o;
             o.experiment = experiment;
             o.description = description;
             o.config = Json::parse(config_json);
             o.repeat = repeat;
             o.seed = seed;
             o.steps_per_epoch = steps_per_epoch;
             o.command_line = command_line;
             return std::make_unique<Recording>(db, o);
           }),
           py::arg("db"), py::arg("experiment"), py::arg("config"), py::arg("repeat"), py::arg("seed"),
           py::arg("steps_per_epoch"), py::arg("description"), py::arg("command_line"))
      .def_property_readonly("trial_id", &Recording::trial_id)
      .def_property_readonly("experiment_id", &Recording::experiment_id)
      .def_property_readonly("finished", &Recording::finished)
      .def("step", &Recording::step, py::arg("step"), py::arg("lr"), py::arg("train_loss"), py::arg("beta_1") = NAN,
           py::arg("epoch") = -1)
      .def("eval", &Recording::eval, py::arg("step"), py::arg("metric"), py::arg("value"), py::arg("epoch") = -1)
      .def("event", &Recording::event, py::arg("step"), py::arg("source"), py::arg("kind"), py::arg("old_lr"),
           py::arg("new_lr"), py::arg("message"), py::arg("epoch") = -1)
      .def("finish", &Recording::finish, py::arg("status") = std::string(status::completed), py::arg("error") = std::string());
}

}  // namespace lrlab::python
