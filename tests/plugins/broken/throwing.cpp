// A schedule whose factory throws something other than ParamError (a bug in the plugin).
#include <stdexcept>

#include <lrlab/sdk.hpp>

LRLAB_PLUGIN(throwing, "0.0.1") {
  registry.add_schedule({.name = "throws_on_build", .summary = "test only: its factory throws", .formula = "-",
                         .source = "lrlab tests", .example = lrlab::Json{{"type", "throws_on_build"}}},
                        [](const lrlab::Params&, const lrlab::ScheduleContext&) -> lrlab::SchedulePtr {
                          throw std::runtime_error("deliberate failure in the factory");
                        });
}
