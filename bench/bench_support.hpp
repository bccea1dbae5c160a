#pragma once
// What the benchmarks share: the real catalog (the plugins of this build) and experiments planned
// from spec text, exactly as `lrlab run` plans them.
#include <memory>
#include <string>

#include "lrlab/catalog.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/spec.hpp"

namespace lrlab::bench {

// The built-ins and the plugins beside the benchmark binary (the build's plugins/ folder).
inline const Catalog& catalog() {
  static const Catalog c = Catalog::standard({});
  return c;
}

struct Planned {
  std::unique_ptr<Resolver> resolver;
  std::unique_ptr<SharedData> shared;
  Experiment experiment;
};

// Plan `spec_text` as if it were a file in experiments/ (relative data paths resolve there).
inline Planned plan(const std::string& spec_text) {
  Planned p;
  p.resolver = std::make_unique<Resolver>(catalog());
  p.shared = std::make_unique<SharedData>();
  const Spec spec = parse_spec(spec_text, "bench.json", std::string(LRLAB_SOURCE_DIR) + "/experiments");
  p.experiment = plan_experiment(spec, *p.resolver, *p.shared);
  return p;
}

}  // namespace lrlab::bench
