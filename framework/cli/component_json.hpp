#pragma once
// A component's declaration as JSON (for `lrlab plugins --format json` and `lrlab describe`).
#include "lrlab/catalog.hpp"

namespace lrlab::cli {
Json param_json(const Param& p);
Json component_json(const ComponentInfo& c);
}  // namespace lrlab::cli
