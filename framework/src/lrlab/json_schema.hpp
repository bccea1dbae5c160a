#pragma once
// The JSON Schema (draft-07) of an experiment spec, generated from the same declarations the
// validator uses: the spec's own sections (experiment.hpp) and every component's Params in the
// catalog. Editors use it to check and complete specs as they are typed (README, "Editing specs").
//
// The schema checks what can be checked one value at a time: types, ranges, choices, required and
// unknown keys, component types and their parameters, grid paths and the values of the spec's
// own sections in the grid. What needs the whole spec (grid values inside components, lists that
// must be as long as each other, a factory's own checks) is left to `lrlab validate`.
#include "lrlab/catalog.hpp"
#include "lrlab/json.hpp"

namespace lrlab {

// The schema of one declared parameter's value.
Json param_schema(const Param& p);

// The whole spec's schema, with one definition per component of `catalog`.
Json spec_schema(const Catalog& catalog);

}  // namespace lrlab
