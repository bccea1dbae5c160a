#include "lrlab/task_build.hpp"

#include "lrlab/errors.hpp"

namespace lrlab {

TaskPtr build_task(const Resolver& resolver, const Json& resolved, const std::string& pointer, const TaskContext& ctx,
                   const Json* declared) {
  const ComponentInfo& ci = resolver.info(Kind::task, resolved, pointer);
  TaskPtr t;
  try {
    t = ci.make_task(factory_params(ci, resolved, declared), ctx);
  } catch (const ParamError& e) {
    throw SpecError(e.param().empty() ? pointer : pointer_join(pointer, e.param()), e.what());
  } catch (const TaskError& e) {
    throw SpecError(pointer, e.what());
  } catch (const std::exception& e) {
    throw SpecError(pointer, "the factory of task " + ci.name + " (" + ci.library + ") failed: " + e.what());
  }
  if (!t) throw SpecError(pointer, "task " + ci.name + " (" + ci.library + ") returned no task");
  if (t->steps_per_epoch() < 1) throw SpecError(pointer, "task " + ci.name + " reports steps_per_epoch < 1");
  return t;
}

PolicyPtr build_policy(const Resolver& resolver, const Json& resolved, const std::string& pointer, const PolicyContext& ctx,
                       const Json* declared) {
  const ComponentInfo& ci = resolver.info(Kind::policy, resolved, pointer);
  PolicyPtr p;
  try {
    p = ci.make_policy(factory_params(ci, resolved, declared), ctx);
  } catch (const ParamError& e) {
    throw SpecError(e.param().empty() ? pointer : pointer_join(pointer, e.param()), e.what());
  } catch (const std::exception& e) {
    throw SpecError(pointer, "the factory of policy " + ci.name + " (" + ci.library + ") failed: " + e.what());
  }
  if (!p) throw SpecError(pointer, "policy " + ci.name + " (" + ci.library + ") returned no policy");
  return p;
}

TaskShape probe_task(const Resolver& resolver, const Json& resolved, std::uint64_t seed, std::uint64_t experiment_seed,
                     const std::filesystem::path& spec_dir, SharedData& shared) {
  TaskContext ctx{seed, experiment_seed, 0, spec_dir, &shared};
  TaskPtr t = build_task(resolver, resolved, "/task", ctx);
  return TaskShape{t->steps_per_epoch(), t->dimension(), t->metrics()};
}

}  // namespace lrlab
