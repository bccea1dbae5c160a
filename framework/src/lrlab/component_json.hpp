#pragma once
// A component's declaration as JSON (`lrlab plugins --format json`, `lrlab describe`, lrlab.plugins() in Python).
#include "lrlab/catalog.hpp"

namespace lrlab {
Json param_json(const Param& p);
Json component_json(const ComponentInfo& c);
// An optimizer's declaration (optimizer.hpp): a core type of the "optimizer" section, kind "optimizer".
Json optimizer_json(const ComponentInfo& doc);
// Every component of `catalog`, then every optimizer: what `lrlab plugins --format json` prints.
Json catalogue_json(const Catalog& catalog);
}  // namespace lrlab
