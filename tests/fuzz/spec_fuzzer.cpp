// libFuzzer target: any bytes as a spec. Parsing and planning may reject the input with a
// SpecError (that is their job); anything else (a crash, another exception, a sanitizer report)
// is a bug. Data paths resolve inside the corpus folder, so planning never reads outside it.
#include <cstdint>
#include <string>

#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "support/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lrlab::Resolver resolver(lrlab::test::static_catalog());
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    lrlab::SharedData shared;
    const auto spec = lrlab::parse_spec(text, "fuzz.json", FUZZ_DATA_DIR);
    const auto ex = lrlab::plan_experiment(spec, resolver, shared);
    if (ex.trials.size() > 100000) __builtin_trap();  // planning must stay bounded by the grid
  } catch (const lrlab::SpecError&) {
  }
  return 0;
}
