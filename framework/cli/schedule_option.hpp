#pragma once
// A schedule written on the command line (`--schedule JSON`), built as a trial builds its own:
// read as a spec is (errors with their column), resolved against the standard catalog and
// --plugin-dir, in the context of --base-lr, --steps and --steps-per-epoch. `lrlab preview` and
// `lrlab export-schedule --schedule` both build theirs here, so an exported table is the preview.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab::cli {

class ScheduleOption {
 public:
  // Throws SpecError ("--schedule ...") for bad JSON or a bad schedule, PluginLoadError for a bad
  // --plugin-dir.
  ScheduleOption(const std::string& text, const std::vector<std::filesystem::path>& plugin_dirs, double base_lr,
                 std::int64_t steps, std::int64_t steps_per_epoch);
  ScheduleOption(const ScheduleOption&) = delete;
  ScheduleOption& operator=(const ScheduleOption&) = delete;

  const Json& spec() const { return spec_; }  // as written
  const Schedule& schedule() const { return *schedule_; }

 private:
  // In this order: the schedule's code lives in the catalog's libraries, so they outlive it.
  Json spec_;
  Catalog catalog_;
  Resolver resolver_;
  SchedulePtr schedule_;
};

}  // namespace lrlab::cli
