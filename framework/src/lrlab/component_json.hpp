#pragma once
// A component's declaration as JSON (`lrlab plugins --format json`, `lrlab describe`, lrlab.plugins() in Python).
#include "lrlab/catalog.hpp"

namespace lrlab {
Json param_json(const Param& p);
Json component_json(const ComponentInfo& c);
}  // namespace lrlab
