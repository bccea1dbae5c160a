#include <catch2/catch.hpp>

#include "lrlab/suggest.hpp"

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[suggest]") {
  CHECK(lrlab::edit_distance("decay_steps", "decay_steps") == 0);
  CHECK(lrlab::edit_distance("decay_step", "decay_steps") == 1);
  CHECK(lrlab::edit_distance("decya", "decay") == 1);
  CHECK(lrlab::edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest suggests plausible typos only", "[suggest]") {
  const std::vector<std::string> names{"decay_steps", "decay_rate", "staircase"};
  CHECK(lrlab::nearest("decay_step", names) == std::optional<std::string>("decay_steps"));
  CHECK(lrlab::nearest("stair_case", names) == std::optional<std::string>("staircase"));
  CHECK_FALSE(lrlab::nearest("momentum", names).has_value());
  CHECK(lrlab::did_you_mean("decay_rat", names) == "; did you mean decay_rate?");
}
