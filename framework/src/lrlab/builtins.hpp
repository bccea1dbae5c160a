#pragma once
// Components built into the core rather than a plugin: the schedule combinators (sequential,
// warmup, chain), which only build new schedules from others.
#include "lrlab/component.hpp"

namespace lrlab {
void register_builtin_components(Registry& registry);
}
