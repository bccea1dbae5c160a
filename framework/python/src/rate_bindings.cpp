// RateControl from Python: a schedule and policies (rate_control.hpp, the code a trial runs) driven
// by lrlab.torch.Scheduler beside a torch optimizer. The policies' events and their requests to
// remember or restore the parameters are queued here and taken by the Python side after each call
// (the parameters are torch's, not lrlab's). state()/load_state() carry the factors, each policy's
// state (Policy::persist, as a checkpoint does) and whether a best snapshot exists.
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/rate_control.hpp"
#include "lrlab/task_build.hpp"
#include "lrlab/trial_config.hpp"

namespace lrlab::python {
namespace {

// Bumped when the layout of state() changes: an older state is refused, never misread.
constexpr std::uint32_t rates_state_format = 1;

class PyRates final : public RateHost {
 public:
  PyRates(const std::string& schedule, const std::vector<std::string>& policies, double base_lr,
          std::int64_t total_steps, std::int64_t steps_per_epoch, const std::vector<std::string>& plugin_dirs) {
    if (!std::isfinite(base_lr)) throw SpecError("", "base_lr must be a finite number");
    if (total_steps < 0) throw SpecError("", "total_steps must be >= 0");
    if (steps_per_epoch < 1) throw SpecError("", "steps_per_epoch must be >= 1");
    const Catalog c = catalog(plugin_dirs);
    const Resolver resolver(c);
    SchedulePtr s = schedule_from(resolver, schedule, schedule_context(base_lr, total_steps, steps_per_epoch));
    std::vector<PolicyPtr> built;
    std::vector<std::string> names;
    const PolicyContext pctx{base_lr, total_steps, steps_per_epoch};
    for (std::size_t i = 0; i < policies.size(); ++i) {
      const std::string where = "policies[" + std::to_string(i) + "]";
      const Json declared = Json::parse(policies[i]);
      const Json resolved = component_from(resolver, Kind::policy, policies[i], where);
      try {
        built.push_back(build_policy(resolver, resolved, "", pctx, &declared));
      } catch (const SpecError& e) {
        throw SpecError(e.pointer(), where + ": " + e.problem());
      }
      names.push_back(resolved["type"].get<std::string>());
      declarations_.push_back(resolved.dump());
    }
    rates_ = std::make_unique<RateControl>(std::move(s), std::move(built), std::move(names));
  }

  double rate(std::int64_t t) const { return rates_->rate(t); }
  std::optional<double> beta_1(std::int64_t t) const { return rates_->beta_1(t); }
  bool stop_requested() const { return rates_->stop_requested(); }
  std::vector<double> factors() const {
    std::vector<double> f;
    for (std::size_t i = 0; i < rates_->policy_count(); ++i) f.push_back(rates_->factor(i));
    return f;
  }

  void before_step(std::int64_t t, std::int64_t epoch) { rates_->before_step(t, epoch, *this); }
  void after_step(std::int64_t t, std::int64_t epoch, double loss, double lr) {
    rates_->after_step(StepInfo{t, epoch, loss, lr}, *this);
  }
  void after_eval(std::int64_t step, std::int64_t epoch, const std::vector<std::pair<std::string, double>>& metrics, double lr) {
    Metrics m;
    for (const auto& [name, value] : metrics) m.set(name, value);
    rates_->after_eval(EvalInfo{step, epoch, m, lr}, *this);
  }
  void at_end(std::int64_t steps_done, std::int64_t epoch) { rates_->at_end(steps_done, epoch, *this); }

  // What happened since the last call: events as (step, epoch, source, kind, old_lr, new_lr,
  // message), requests as "save_best" / "restore_best", in the order the policies made them.
  py::list take_events() {
    py::list out;
    for (const auto& e : events_) out.append(py::make_tuple(e.step, e.epoch, e.source, e.kind, e.old_lr, e.new_lr, e.message));
    events_.clear();
    return out;
  }
  std::vector<std::string> take_requests() { return std::exchange(requests_, {}); }

  py::bytes state() const {
    StateArchive a = StateArchive::saving();
    const_cast<PyRates*>(this)->persist(a);
    return py::bytes(a.bytes());
  }
  void load_state(const std::string& bytes) {
    StateArchive a = StateArchive::loading(bytes);
    persist(a);
    if (!a.at_end()) throw SpecError("", "the scheduler state holds more than this scheduler's");
  }

  // RateHost
  void event(EventRow&& row) override { events_.push_back(std::move(row)); }
  void save_best() override {
    has_best_ = true;
    requests_.push_back("save_best");
  }
  bool restore_best() override {
    if (!has_best_) return false;
    requests_.push_back("restore_best");
    return true;
  }

 private:
  void persist(StateArchive& a) {
    std::uint32_t format = rates_state_format;
    a(format);
    if (format != rates_state_format)
      throw SpecError("", "the scheduler state has format " + std::to_string(format) + ", this lrlab reads " +
                              std::to_string(rates_state_format));
    std::vector<std::string> declarations = declarations_;
    a(declarations, has_best_);
    if (declarations != declarations_)
      throw SpecError("", "the scheduler state belongs to other policies (or the same ones with other parameters)");
    for (std::size_t i = 0; i < rates_->policy_count(); ++i) {
      std::string bytes = a.is_loading() ? std::string() : StateArchive::save(rates_->policy(i));
      a(rates_->factor(i), bytes);
      if (!a.is_loading()) continue;
      StateArchive p = StateArchive::loading(std::move(bytes));
      p(rates_->policy(i));
      if (!p.at_end()) throw SpecError("", "policy " + rates_->policy_name(i) + " loads less state than it saved");
    }
  }

  std::unique_ptr<RateControl> rates_;
  std::vector<std::string> declarations_;  // each policy resolved: a state is loaded only into the same policies
  std::vector<EventRow> events_;
  std::vector<std::string> requests_;
  bool has_best_ = false;
};

}  // namespace

void bind_rates(py::module_& m) {
  py::class_<PyRates>(m, "RateControl")
      .def(py::init<const std::string&, const std::vector<std::string>&, double, std::int64_t, std::int64_t,
                    const std::vector<std::string>&>(),
           py::arg("schedule"), py::arg("policies"), py::arg("base_lr"), py::arg("total_steps"), py::arg("steps_per_epoch"),
           py::arg("plugin_dirs"))
      .def("rate", &PyRates::rate, py::arg("step"))
      .def("beta_1", &PyRates::beta_1, py::arg("step"))
      .def_property_readonly("stop_requested", &PyRates::stop_requested)
      .def_property_readonly("factors", &PyRates::factors)
      .def("before_step", &PyRates::before_step, py::arg("step"), py::arg("epoch"))
      .def("after_step", &PyRates::after_step, py::arg("step"), py::arg("epoch"), py::arg("loss"), py::arg("lr"))
      .def("after_eval", &PyRates::after_eval, py::arg("step"), py::arg("epoch"), py::arg("metrics"), py::arg("lr"))
      .def("at_end", &PyRates::at_end, py::arg("steps_done"), py::arg("epoch"))
      .def("take_events", &PyRates::take_events)
      .def("take_requests", &PyRates::take_requests)
      .def("state", &PyRates::state)
      .def("load_state", &PyRates::load_state, py::arg("state"));
}

}  // namespace lrlab::python
