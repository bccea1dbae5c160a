#pragma once
// Components and the registry: how a plugin tells the core what it provides.
//
// A component is a kind (schedule, policy, task), a name, its parameter declarations, the text
// `lrlab describe` shows, and a factory. Factories receive validated Params (names, types, ranges
// and defaults already checked) and may throw ParamError for parameters that are wrong together.
#include <functional>
#include <string>
#include <vector>

#include "param.hpp"
#include "params.hpp"
#include "policy.hpp"
#include "schedule.hpp"
#include "task.hpp"

namespace lrlab {

enum class Kind { schedule, policy, task };

inline const char* to_string(Kind k) {
  switch (k) {
    case Kind::schedule: return "schedule";
    case Kind::policy: return "policy";
    case Kind::task: return "task";
  }
  return "?";
}

using ScheduleFactory = std::function<SchedulePtr(const Params&, const ScheduleContext&)>;
using PolicyFactory = std::function<PolicyPtr(const Params&, const PolicyContext&)>;
using TaskFactory = std::function<TaskPtr(const Params&, const TaskContext&)>;

struct ComponentInfo {
  Kind kind = Kind::schedule;
  std::string name;
  std::string summary;  // one line: what it is
  std::string formula;  // the formula, in plain text
  std::string source;   // where the formula comes from: "keras.optimizers.schedules.ExponentialDecay"
  std::string notes;    // edge cases and warnings, shown by describe
  std::vector<Param> params;
  Json example;         // a complete component object, e.g. {"type": "exponential_decay", ...}

  ScheduleFactory make_schedule;
  PolicyFactory make_policy;
  TaskFactory make_task;

  std::string library;  // set by the loader: the file the component came from
};

// Filled by the plugins' register functions. The core owns it; plugins only add.
class Registry {
 public:
  void add(ComponentInfo info) { components_.push_back(std::move(info)); }

  void add_schedule(ComponentInfo info, ScheduleFactory f) {
    info.kind = Kind::schedule;
    info.make_schedule = std::move(f);
    add(std::move(info));
  }
  void add_policy(ComponentInfo info, PolicyFactory f) {
    info.kind = Kind::policy;
    info.make_policy = std::move(f);
    add(std::move(info));
  }
  void add_task(ComponentInfo info, TaskFactory f) {
    info.kind = Kind::task;
    info.make_task = std::move(f);
    add(std::move(info));
  }

  const std::vector<ComponentInfo>& components() const { return components_; }
  std::vector<ComponentInfo>& components() { return components_; }

 private:
  std::vector<ComponentInfo> components_;
};

}  // namespace lrlab
