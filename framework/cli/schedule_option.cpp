#include "schedule_option.hpp"

#include "lrlab/errors.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/trial_config.hpp"

namespace lrlab::cli {

ScheduleOption::ScheduleOption(const std::string& text, const std::vector<std::filesystem::path>& plugin_dirs,
                               double base_lr, std::int64_t steps, std::int64_t steps_per_epoch)
    // Read as a spec is: syntax errors and numbers out of range with their column, keys given twice.
    : spec_(parse_spec(text, "--schedule", ".").json), catalog_(Catalog::standard(plugin_dirs)), resolver_(catalog_) {
  const ScheduleContext ctx = schedule_context(base_lr, steps, steps_per_epoch);
  try {
    schedule_ = build_schedule(resolver_, resolver_.component(Kind::schedule, spec_, ""), "", ctx, &spec_);
  } catch (const SpecError& e) {
    throw SpecError("", "--schedule " + std::string(e.what()));
  }
}

}  // namespace lrlab::cli
