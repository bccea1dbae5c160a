// libFuzzer target: any bytes as a spec, parsed, validated and planned (every component resolved
// and built once, the grid expanded) as `lrlab validate` does. Parsing and planning may reject the
// input with a SpecError (that is their job); anything else (a crash, another exception, a
// sanitizer report, a plan larger than the grid limit) is a bug.
//
// Relative data paths resolve against the shipped experiments/ folder, so the seeds' data sets
// load. Inputs that name a file outside it (an absolute path, "..") are skipped: planning reads
// the data files, and /dev/zero or /dev/stdin would only hang the fuzzer.
#include <cstdint>
#include <string>

#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/spec.hpp"
#include "support/catalog.hpp"

namespace {

bool names_outside_files(const lrlab::Json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    return (!s.empty() && s[0] == '/') || s.find("..") != std::string::npos;
  }
  if (j.is_structured())
    for (const auto& v : j)
      if (names_outside_files(v)) return true;
  return false;
}

// Trials the spec asks for, roughly (repeats times the grid's list sizes), as planning counts them.
double requested_trials(const lrlab::Json& j) {
  if (!j.is_object()) return 1;
  double n = 1;
  if (auto r = j.find("repeats"); r != j.end() && r->is_number()) n = r->get<double>();
  if (auto g = j.find("grid"); g != j.end() && g->is_object())
    for (const auto& v : *g)
      if (v.is_array()) n *= static_cast<double>(v.size());
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lrlab::Resolver resolver(lrlab::test::static_catalog());
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    lrlab::SharedData shared;
    const auto spec = lrlab::parse_spec(text, "fuzz.json", FUZZ_DATA_DIR);
    if (names_outside_files(spec.json)) return -1;  // -1: not added to the corpus
    // Planning a grid near the limit (a million trials) is correct but takes seconds: keep the
    // fuzzer fast. Grids over the limit still go through (they are refused at once).
    const double n = requested_trials(spec.json);
    if (n > 10000 && n <= static_cast<double>(lrlab::max_trials)) return -1;
    const auto ex = lrlab::plan_experiment(spec, resolver, shared);
    if (ex.trials.size() > lrlab::max_trials) __builtin_trap();  // the grid limit failed
  } catch (const lrlab::SpecError&) {
  }
  return 0;
}
