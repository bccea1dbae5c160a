// Bad specs: every error names where (file:line:column, or the JSON pointer) and what is wrong.
#include <catch2/catch.hpp>

#include "support/plan.hpp"

using Catch::Matchers::Contains;
using lrlab::test::plan_error;

namespace {
std::string spec(const std::string& replace_from, const std::string& replace_to) {
  std::string s = R"({
  "name": "e", "repeats": 1,
  "task": {"type": "quadratic", "curvatures": [1, 10]},
  "optimizer": {"learning_rate": 0.01},
  "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5},
  "budget": {"steps": 20},
  "grid": {}
})";
  const auto at = s.find(replace_from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, replace_from.size(), replace_to);
}
}  // namespace

TEST_CASE("the unmodified spec is valid", "[spec]") { CHECK(plan_error(spec("e", "e")) == ""); }

TEST_CASE("a syntax error gives file, line and column", "[spec]") {
  // Line 4 is the optimizer; the missing comma after 0.01 is noticed at the next key.
  CHECK_THAT(plan_error(spec(R"("learning_rate": 0.01})", R"("learning_rate": 0.01 "beta_1": 0.9})")),
             Contains("spec.json:4:") && Contains("syntax error"));
  CHECK_THAT(plan_error("{\"name\": \"x\",\n  \"task\": }"), Contains("spec.json:2:11"));
}

TEST_CASE("a number beyond a double's range gives file, line and column (found by the fuzzer)", "[spec]") {
  // Line 5 is the schedule, where 5e999 starts at column 78.
  CHECK_THAT(plan_error(spec("\"decay_rate\": 0.5", "\"decay_rate\": 5e999")),
             Contains("spec.json:5:78: the number 5e999 is out of range"));
  // The same text inside a string, earlier, is not the number.
  CHECK_THAT(plan_error("{\"name\": \"x\", \"description\": \"-2e308\",\n \"seed\": -2e308}"),
             Contains("spec.json:2:10: the number -2e308 is out of range"));
}

TEST_CASE("misspelt keys and types get the nearest valid name", "[spec]") {
  CHECK_THAT(plan_error(spec("\"decay_steps\"", "\"decay_step\"")),
             Contains("/schedule/decay_step: unknown parameter; did you mean decay_steps?"));
  CHECK_THAT(plan_error(spec("exponential_decay", "exponential_decy")),
             Contains("/schedule/type: unknown schedule type exponential_decy; did you mean exponential_decay?"));
  CHECK_THAT(plan_error(spec("\"budget\"", "\"budgte\"")), Contains("/budgte: unknown parameter; did you mean budget?"));
  CHECK_THAT(plan_error(spec("quadratic", "quadratik")), Contains("/task/type: unknown task type quadratik; did you mean quadratic?"));
  CHECK_THAT(plan_error(spec("learning_rate", "learnig_rate")),
             Contains("/optimizer/learnig_rate: unknown parameter; did you mean learning_rate?"));
}

TEST_CASE("wrong types and out-of-range values name the parameter and the received value", "[spec]") {
  CHECK_THAT(plan_error(spec("0.01}", "\"fast\"}")), Contains("/optimizer/learning_rate: expected a number") && Contains("\"fast\""));
  CHECK_THAT(plan_error(spec("0.01}", "0.01, \"beta_1\": 1.0}")),
             Contains("/optimizer/beta_1: Argument `beta_1` must be in [0, 1). Received: beta_1=1.0"));
  CHECK_THAT(plan_error(spec("\"repeats\": 1", "\"repeats\": 0")), Contains("/repeats: Argument `repeats` must be in [1, 1000000]"));
  CHECK_THAT(plan_error(spec("{\"steps\": 20}", "{\"steps\": 2.5}")), Contains("/budget/steps: expected an integer"));
  CHECK_THAT(plan_error(spec("\"name\": \"e\"", "\"name\": \"a/b\"")), Contains("/name"));
  CHECK_THAT(plan_error(spec("\"curvatures\": [1, 10]", "\"curvatures\": [1, -10]")),
             Contains("/task/curvatures/1") && Contains("must be > 0"));
}

TEST_CASE("budget and evaluate take exactly one of their two forms", "[spec]") {
  CHECK_THAT(plan_error(spec("{\"steps\": 20}", "{\"steps\": 20, \"epochs\": 2}")), Contains("/budget: give exactly one"));
  CHECK_THAT(plan_error(spec("{\"steps\": 20}", "{}")), Contains("/budget: give exactly one"));
  CHECK_THAT(plan_error(spec("\"grid\": {}", "\"evaluate\": {}")), Contains("/evaluate: give exactly one"));
}

TEST_CASE("missing required sections and components say so", "[spec]") {
  CHECK_THAT(plan_error(R"({"name": "x", "budget": {"steps": 1}})"), Contains("/task") && Contains("required"));
  CHECK_THAT(plan_error(spec("{\"type\": \"quadratic\", ", "{")), Contains("/task") && Contains("\"type\""));
  CHECK_THAT(plan_error(spec("\"decay_rate\": 0.5", "\"staircase\": true")),
             Contains("/schedule/decay_rate") && Contains("required"));
}

TEST_CASE("grid errors point into the grid", "[spec][grid]") {
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"optimizer.learning_rate": []})")),
             Contains("/grid/optimizer.learning_rate: the list of values is empty"));
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"optimizer.learning_rate": 0.1})")),
             Contains("/grid/optimizer.learning_rate: expected a list"));
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"optimiser.learning_rate": [0.1]})")),
             Contains("/grid/optimiser.learning_rate") && Contains("did you mean optimizer?"));
  // A bad value inside a grid list is reported where it was written.
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"schedule": [{"type": "constant"},
              {"type": "exponential_decay", "decay_steps": 0, "decay_rate": 0.5}]})")),
             Contains("/grid/schedule/1/decay_steps: Argument `decay_steps` must be > 0"));
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"optimizer.learnig_rate": [0.1]})")),
             Contains("/grid/optimizer.learnig_rate/0") && Contains("did you mean learning_rate?"));
  CHECK_THAT(plan_error(spec("\"grid\": {}", R"("grid": {"policies.0.factor": [0.5]})")),
             Contains("/grid/policies.0.factor") && Contains("past the end"));
}

TEST_CASE("factory errors about parameters together point at the parameter", "[spec]") {
  CHECK_THAT(plan_error(spec("\"curvatures\": [1, 10]", "\"curvatures\": [1, 10], \"initial\": [1, 2, 3]")),
             Contains("/task/initial") && Contains("must have 2 values"));
  CHECK_THAT(plan_error(spec(R"({"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5})",
                             R"({"type": "sequential", "schedules": [{"type": "constant"}], "milestones": [5]})")),
             Contains("/schedule/milestones") && Contains("one entry fewer"));
  CHECK_THAT(plan_error(spec(R"({"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5})",
                             R"({"type": "warmup", "steps": 5, "schedule": {"type": "exponential_decay", "decay_rate": 0.5}})")),
             Contains("/schedule/schedule/decay_steps") && Contains("required"));
}

TEST_CASE("counts that overflow an integer are spec errors where they were written (issue 24, point 4)", "[spec][limits]") {
  // Eight keys of 300 values: 6.6e19 trials, past int64; once printed as a wrapped negative number.
  std::string grid;
  for (int k = 0; k < 8; ++k) {
    std::string values;
    for (int v = 0; v < 300; ++v) {
      if (v) values += ",";
      values += std::to_string(v + 1);
    }
    grid += std::string(k ? "," : "") + "\"task.k" + std::to_string(k) + "\": [" + values + "]";
  }
  CHECK(plan_error(spec("\"grid\": {}", "\"grid\": {" + grid + "}")) ==
        "/grid: the grid expands to about 6.56e+19 trials, more than lrlab's limit of 1000000: split the sweep into "
        "several specs");
  // Integers are compared with the limit exactly (as doubles, 2^53 + 1 equals 2^53).
  CHECK(plan_error(spec("\"steps\": 20", "\"steps\": 9007199254740992")) == "");
  CHECK(plan_error(spec("\"steps\": 20", "\"steps\": 9007199254740993")) ==
        "/budget/steps: Argument `steps` must be in [1, 9007199254740992]. Received: steps=9007199254740993");
  // Epochs times steps per epoch, from the grid: the error points at the grid value.
  std::string epochs = spec("\"grid\": {}", R"("grid": {"budget.epochs": [3, 4503599627370497]})");
  epochs.replace(epochs.find("\"steps\": 20"), 11, "\"epochs\": 1");
  CHECK_THAT(plan_error(epochs), Contains("/grid/budget.epochs/1: 4503599627370497 epochs of ") &&
                                     Contains("more than lrlab's limit of 9007199254740992 (2^53) updates per trial"));
}

TEST_CASE("a key given twice in one object is an error naming its pointer and both lines (issue 24, point 11)", "[spec]") {
  CHECK(plan_error(spec("\"grid\": {}", "\"policies\": [{\"type\": \"reduce_on_plateau\",\n  \"factor\": 0.5,\n"
                                        "  \"factor\": 0.1}],\n  \"grid\": {}")) ==
        "/policies/0/factor: spec.json:9:3: the key \"factor\" is given twice in this object (first at line 8); JSON "
        "keeps only one of them: give it once");
  // Keys are compared as JSON reads them: an escape names the same key.
  CHECK_THAT(plan_error(spec("\"repeats\": 1", "\"repeats\": 1, \"rep\\u0065ats\": 2")),
             Contains("/repeats: spec.json:2:30: the key \"repeats\" is given twice"));
  // The same key in different objects, and a key's text inside string values, are fine.
  CHECK(plan_error(spec("\"name\": \"e\"", "\"name\": \"e\", \"description\": \"{\\\"name\\\": 1, \\\"name\\\": 2}\"")) == "");
  CHECK(plan_error(spec("\"grid\": {}", R"("grid": {"schedule": [{"type": "constant"},
                                          {"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.9}]})")) == "");
}
