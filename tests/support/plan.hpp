#pragma once
// Planning a spec given as text, with the statically linked catalog: for spec and grid tests.
#include "lrlab/experiment.hpp"
#include "support/catalog.hpp"

namespace lrlab::test {

inline Experiment plan(const std::string& spec_text) {
  static const Resolver resolver(static_catalog());
  SharedData shared;
  return plan_experiment(parse_spec(spec_text, "spec.json", "."), resolver, shared);
}

// The message of the SpecError that planning `spec_text` throws ("" if none).
inline std::string plan_error(const std::string& spec_text) {
  try {
    plan(spec_text);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace lrlab::test
