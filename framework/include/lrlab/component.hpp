#pragma once
// Components and the registry: how a plugin tells the core what it provides.
//
// A component is a kind (schedule, policy, task), a name, its parameter declarations, the text
// `lrlab describe` shows, and a factory: a ComponentDecl. Factories receive validated Params (names,
// types, ranges and defaults already checked) and may throw ParamError for parameters that are
// wrong together. What the core adds when it takes a declaration into its catalogue (the library
// file it came from) is the core's own business and not part of the SDK.
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

// What a plugin declares about one component. A plugin fills in the documentation and the
// parameters (designated initializers, in this order) and hands it to Registry::add_schedule,
// add_policy or add_task with the factory; the registry sets `kind` and the factory.
struct ComponentDecl {
  // (Every member has an initializer, so that leaving some out of a designated initializer is
  // not a -Wmissing-field-initializers warning.)
  std::string name = {};
  std::string summary = {};  // one line: what it is
  std::string formula = {};  // the formula, in plain text
  std::string source = {};   // where the formula comes from: "keras.optimizers.schedules.ExponentialDecay"
  std::string notes = {};    // edge cases and warnings, shown by describe
  std::vector<Param> params = {};
  Json example = {};         // a complete component object, e.g. {"type": "exponential_decay", ...}

  // Set by the registry: the kind, and the one factory of that kind.
  Kind kind = Kind::schedule;
  ScheduleFactory make_schedule = {};
  PolicyFactory make_policy = {};
  TaskFactory make_task = {};
};

// Filled by the plugins' register functions. The core owns it; plugins only add.
class Registry {
 public:
  void add_schedule(ComponentDecl decl, ScheduleFactory f) {
    decl.make_schedule = std::move(f);
    add(Kind::schedule, std::move(decl));
  }
  void add_policy(ComponentDecl decl, PolicyFactory f) {
    decl.make_policy = std::move(f);
    add(Kind::policy, std::move(decl));
  }
  void add_task(ComponentDecl decl, TaskFactory f) {
    decl.make_task = std::move(f);
    add(Kind::task, std::move(decl));
  }

  // In the order they were added (the order `lrlab plugins` lists them in).
  const std::vector<ComponentDecl>& components() const { return components_; }
  std::vector<ComponentDecl>& components() { return components_; }

 private:
  void add(Kind kind, ComponentDecl decl) {
    decl.kind = kind;
    components_.push_back(std::move(decl));
  }
  std::vector<ComponentDecl> components_;
};

}  // namespace lrlab
