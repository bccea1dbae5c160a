#pragma once
// An experiment's inputs: besides its spec, everything that decides its numbers.
//
//   kind    name                          path                  sha256 of
//   data    the file as the spec names it the file a task read  the file's bytes
//   plugin  the plugin's name             its library file      the library file's bytes
//   build   "lrlab"                       the lrlab binary      numerics_description()
//
// A task says which files it read through SharedData::note_input (the SDK); the core hashes them
// once planning is done. The plugin libraries are those whose components the trials name (the
// core's own components are part of the build). Recorded when an experiment is created (table
// experiment_inputs): a resume compares them with what it would use now and refuses when one
// differs, since it would mix trials made from different inputs; MPI ranks compare theirs before
// a sweep. A file is matched by the name the spec gives it, so the same bytes at another path
// (a copy of the folder) are the same input.
#include <string>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/shared_data.hpp"

namespace lrlab {

struct Input {
  std::string kind;    // "data", "plugin", "build"
  std::string name;    // with kind, identifies the input
  std::string path;
  std::string sha256;
  std::string detail;  // for people: the build's numerics description, a plugin's version
};

// The build's numerics: what, besides the plugins and the data, decides the bits lrlab computes:
// the source (version, commit, and the hash of uncommitted changes to the binary's sources), the
// compiler and its flags (build type, CMAKE_CXX_FLAGS). Not the CPU: Adam's kernels give the same
// bits on every x86-64 CPU (adam_kernel.hpp), and nothing else dispatches on it.
std::string numerics_description();

// The plugin libraries whose components the experiment's trials name.
std::vector<LibraryInfo> used_libraries(const Catalog& catalog, const Experiment& ex);
// Every library `catalog` loaded, each with whether it is among `used` (what a `runs` row records).
std::vector<std::pair<LibraryInfo, bool>> loaded_libraries(const Catalog& catalog, const std::vector<LibraryInfo>& used);

// The inputs of an experiment planned with `shared` (its noted files, hashed now) and using the
// plugin libraries `used`, ordered by kind then name. Throws SpecError naming a file that cannot
// be read.
std::vector<Input> collect_inputs(const SharedData& shared, const std::vector<LibraryInfo>& used);

// What differs between two sets of inputs, one line each ("data file d.csv: at creation /a/d.csv
// (sha256 1a2b3c4d5e6f), now /b/d.csv (sha256 9f8e7d6c5b4a)"); empty when every input has the same
// hash. `before` and `after` say whose each side is ("at creation", "now"; "rank 0 (node1)").
std::vector<std::string> input_changes(const std::vector<Input>& first, const std::vector<Input>& second,
                                       const std::string& before, const std::string& after);

// Inputs as text and back (for MPI ranks to compare theirs): one line per input.
std::string inputs_text(const std::vector<Input>& inputs);
std::vector<Input> parse_inputs_text(const std::string& text);

}  // namespace lrlab
