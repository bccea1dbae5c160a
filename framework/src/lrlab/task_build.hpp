#pragma once
// Building tasks and policies from resolved component objects, with a factory's ParamError or
// TaskError turned into a SpecError at the component's pointer (build_schedule is in resolve.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "lrlab/resolve.hpp"

namespace lrlab {

// `declared`: the component object as the user wrote it, for Params::given() (see build_schedule).
TaskPtr build_task(const Resolver& resolver, const Json& resolved, const std::string& pointer, const TaskContext& ctx,
                   const Json* declared = nullptr);
PolicyPtr build_policy(const Resolver& resolver, const Json& resolved, const std::string& pointer, const PolicyContext& ctx,
                       const Json* declared = nullptr);

// What planning needs to know of a task: built once, its shape read, then dropped.
struct TaskShape {
  std::int64_t steps_per_epoch = 1;
  std::size_t dimension = 0;
  std::vector<std::string> metrics;  // what its evaluate() reports (Task::metrics; empty: undeclared)
};
TaskShape probe_task(const Resolver& resolver, const Json& resolved, std::uint64_t seed, std::uint64_t experiment_seed,
                     const std::filesystem::path& spec_dir, SharedData& shared);

}  // namespace lrlab
