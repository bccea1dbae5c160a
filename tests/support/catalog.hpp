#pragma once
// A catalog of every plugin linked statically into the test binary: plugin unit tests need no
// loader (the plugins' object libraries are linked in by tests/CMakeLists.txt).
#include "lrlab/builtins.hpp"
#include "lrlab/catalog.hpp"
#include "lrlab/resolve.hpp"
#include "linked_plugins.hpp"

namespace lrlab::test {

inline const Catalog& static_catalog() {
  static const Catalog c = [] {
    Catalog cat;
    cat.add_static("core", "test", &register_builtin_components);
    register_linked_plugins(cat);
    return cat;
  }();
  return c;
}

// Build a schedule from JSON as a spec would (validated, defaults filled).
inline SchedulePtr schedule(const Json& spec, double base_lr = 1e-3, std::int64_t total_steps = 1000,
                            std::int64_t steps_per_epoch = 1) {
  static const Resolver resolver(static_catalog());
  ScheduleContext ctx;
  ctx.base_lr = base_lr;
  ctx.total_steps = total_steps;
  ctx.steps_per_epoch = steps_per_epoch;
  return build_schedule(resolver, resolver.component(Kind::schedule, spec, "/schedule"), "/schedule", ctx);
}

}  // namespace lrlab::test
