#pragma once
// Resolving: checking a JSON object against parameter declarations and filling in the defaults.
//
// This is the one place where "unknown parameter; did you mean decay_steps?", "expected an integer"
// and "must be > 0" come from, for components (through their declarations) and for the spec's own
// sections (optimizer, budget, ...), which declare themselves with the same Param type.
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/json.hpp"
#include "lrlab/param.hpp"
#include "lrlab/schedule.hpp"

namespace lrlab {

// JSON pointer of `key` under `parent` ("/schedule" + "decay_steps" -> "/schedule/decay_steps").
std::string pointer_join(const std::string& parent, const std::string& key);
std::string pointer_join(const std::string& parent, std::size_t index);

// Keys every component accepts besides its own parameters.
inline const std::vector<std::string>& component_reserved_keys(Kind kind) {
  static const std::vector<std::string> common{"type", "library"};
  static const std::vector<std::string> schedule{"type", "library", "unit"};
  return kind == Kind::schedule ? schedule : common;
}

// The declarations of the keys reserved for schedules ("unit": "step" | "epoch").
const Param& unit_param();

class Resolver {
 public:
  explicit Resolver(const Catalog& catalog) : catalog_(catalog) {}

  // Check `obj` (an object) against `params`; return it with defaults filled in, in declaration
  // order, then the reserved keys. Throws SpecError with the pointer of the first problem.
  Json object(const Json& obj, const std::vector<Param>& params, const std::string& pointer,
              const std::vector<std::string>& reserved = {}) const;

  // A component object {"type": name, ...}: the type looked up in the catalog, its parameters
  // resolved; nested schedules (combinators) resolved recursively.
  Json component(Kind kind, const Json& obj, const std::string& pointer) const;

  // The declaration of the component a resolved object names.
  const ComponentInfo& info(Kind kind, const Json& resolved, const std::string& pointer) const;

  const Catalog& catalog() const { return catalog_; }

 private:
  Json value(const Param& p, const Json& v, const std::string& pointer) const;
  const Catalog& catalog_;
};

// Build a schedule from a resolved object: wraps it for "unit": "epoch", gives combinators a way to
// build their children, and turns a factory's ParamError into a SpecError at the right pointer.
//
// `declared` (optional, for every builder): the component object as the user wrote it, grid values
// applied, before Resolver::component filled in the defaults; it is what Params::given() answers
// from (nested schedules are matched to its children). Without it, only the resolved object is
// known, and a value equal to its parameter's default counts as defaulted: the answer a trial
// rebuilt from its stored config_json gets.
SchedulePtr build_schedule(const Resolver& resolver, const Json& resolved, const std::string& pointer,
                           const ScheduleContext& ctx, const Json* declared = nullptr);

// The params a factory of `ci` sees: the resolved object without the reserved keys, and which of
// them a default filled in (see build_schedule for `declared`).
Params factory_params(const ComponentInfo& ci, const Json& resolved, const Json* declared = nullptr);

}  // namespace lrlab
