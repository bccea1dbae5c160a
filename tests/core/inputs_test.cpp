// An experiment's inputs (inputs.hpp): what differs between two sets, and their text form for MPI
// ranks. Through the binary: tests/e2e/inputs_test.cpp.
#include <catch2/catch.hpp>

#include "lrlab/inputs.hpp"

using lrlab::Input;

namespace {
const std::string hash_a(64, 'a'), hash_b(64, 'b');
}

TEST_CASE("inputs: the same bytes elsewhere are no change, other bytes, a new or a dropped input are", "[inputs]") {
  const std::vector<Input> before = {{"data", "d.csv", "/x/d.csv", hash_a, ""},
                                     {"plugin", "decay", "/p/lrlab_decay.so", hash_a, "version 1"}};
  CHECK(lrlab::input_changes(before, {{"data", "d.csv", "/y/d.csv", hash_a, ""},
                                      {"plugin", "decay", "/q/lrlab_decay.so", hash_a, "version 1"}},
                             "then", "now")
            .empty());
  const auto changes = lrlab::input_changes(before, {{"data", "d.csv", "/y/d.csv", hash_b, ""},
                                                     {"plugin", "extra", "/p/lrlab_extra.so", hash_a, ""}},
                                            "then", "now");
  REQUIRE(changes.size() == 3);
  CHECK(changes[0] == "data file d.csv: then /x/d.csv (sha256 aaaaaaaaaaaa), now /y/d.csv (sha256 bbbbbbbbbbbb)");
  CHECK(changes[1] == "plugin decay: then /p/lrlab_decay.so (sha256 aaaaaaaaaaaa), now not used");
  CHECK(changes[2] == "plugin extra: then not used, now /p/lrlab_extra.so (sha256 aaaaaaaaaaaa)");
}

TEST_CASE("inputs: the build is described by its numerics, and the text form reads back", "[inputs]") {
  const std::string numerics = lrlab::numerics_description();
  CHECK_THAT(numerics, Catch::Matchers::StartsWith("lrlab ") && Catch::Matchers::Contains(", commit ") &&
                           Catch::Matchers::Contains("flags"));
  const std::vector<Input> inputs = {{"build", "lrlab", "/bin/lrlab", hash_a, numerics},
                                     {"data", "d.csv", "/x/d.csv", hash_b, ""}};
  const auto back = lrlab::parse_inputs_text(lrlab::inputs_text(inputs));
  REQUIRE(back.size() == 2);
  CHECK(back[0].detail == numerics);
  CHECK(back[1].path == "/x/d.csv");
  CHECK(lrlab::input_changes(inputs, back, "a", "b").empty());
  const auto changed = lrlab::input_changes(inputs, {{"build", "lrlab", "/bin/lrlab", hash_b, "other"}}, "a", "b");
  CHECK(changed.front() == "the lrlab build: a " + numerics + " (sha256 aaaaaaaaaaaa), b other (sha256 bbbbbbbbbbbb)");
}
