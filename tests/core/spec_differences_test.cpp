// The differences `lrlab run` shows when an edited spec is refused or grows the experiment
// (spec_change.hpp): JSON pointers with the old and new values, lists aligned so that an inserted
// value reads as one addition. Expected lines written out by hand.
#include <catch2/catch.hpp>

#include "lrlab/spec_change.hpp"

using namespace lrlab;

namespace {
std::vector<std::string> lines(const std::string& before, const std::string& after) {
  std::vector<std::string> out;
  for (const auto& d : spec_differences(Json::parse(before), Json::parse(after)))
    out.push_back(d.pointer + ": " + d.before + " -> " + d.after);
  return out;
}
}  // namespace

TEST_CASE("spec_differences: more repeats and a schedule inserted in the grid", "[core][spec_change]") {
  CHECK(lines(R"({"repeats": 5, "grid": {"schedule": [{"type": "constant"}, {"type": "step_lr", "step_size": 3}]}})",
              R"({"repeats": 7, "grid": {"schedule": [{"type": "constant"}, {"type": "cosine_decay"}, {"type": "step_lr", "step_size": 3}]}})") ==
        std::vector<std::string>{"/repeats: 5 -> 7", "/grid/schedule/1: (absent) -> {\"type\":\"cosine_decay\"}"});
}

TEST_CASE("spec_differences: values changed in place, keys added and removed, keys escaped", "[core][spec_change]") {
  CHECK(lines(R"({"budget": {"epochs": 4}, "grid": {"optimizer.learning_rate": [0.1, 0.2, 0.3]}, "a/b~": 1, "old": true})",
              R"({"budget": {"epochs": 5}, "grid": {"optimizer.learning_rate": [0.1, 0.25, 0.3]}, "a/b~": 2, "new": "x"})") ==
        std::vector<std::string>{"/budget/epochs: 4 -> 5", "/grid/optimizer.learning_rate/1: 0.2 -> 0.25", "/a~1b~0: 1 -> 2",
                                 "/old: true -> (absent)", "/new: (absent) -> \"x\""});
  // A value removed from a list: its old index.
  CHECK(lines(R"({"l": [1, 2, 3]})", R"({"l": [1, 3]})") == std::vector<std::string>{"/l/1: 2 -> (absent)"});
  CHECK(lines(R"({"l": [1]})", R"({"l": [1]})").empty());
}

TEST_CASE("spec_differences_text: one line each, at most max_lines, long values cut", "[core][spec_change]") {
  const auto d = spec_differences(Json::parse(R"({"a": 1, "b": 2, "c": 3})"), Json::parse(R"({"a": 2, "b": 3, "c": 4})"));
  CHECK(spec_differences_text(d, 2) == "\n  /a: 1 -> 2\n  /b: 2 -> 3\n  ... and 1 more");
  const std::string long_text(200, 'x');
  const auto cut = spec_differences(Json::parse(R"({"d": ""})"), Json{{"d", long_text}});
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].after == "\"" + std::string(76, 'x') + "...");
}
