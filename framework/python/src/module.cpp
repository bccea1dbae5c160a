// PYBIND11_MODULE(_core): the C++ half of the lrlab Python package (bindings.hpp).
#include "bindings.hpp"
#include "lrlab/errors.hpp"

PYBIND11_MODULE(_core, m) {
  using namespace lrlab::python;
  m.doc() = "lrlab's C++ core: schedules, policies and the results database (use the lrlab package)";
  static py::exception<lrlab::SpecError> spec_error(m, "SpecError", PyExc_ValueError);
  static py::exception<lrlab::StoreError> store_error(m, "StoreError", PyExc_RuntimeError);
  static py::exception<lrlab::PluginLoadError> plugin_error(m, "PluginLoadError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const lrlab::SpecError& e) {
      spec_error(e.what());
    } catch (const lrlab::StoreError& e) {
      store_error(e.what());
    } catch (const lrlab::PluginLoadError& e) {
      plugin_error(e.what());
    }
  });
  bind_catalog(m);
  bind_schedule(m);
  bind_rates(m);
  bind_recording(m);
}
