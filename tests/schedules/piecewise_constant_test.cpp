// piecewise_constant against Keras's rule: values[0] for t <= b[0], values[i] for b[i-1] < t <= b[i],
// values[-1] for t > b[-1].
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("piecewise_constant: the value changes on the step after each boundary", "[piecewise_constant]") {
  auto s = schedule(Json::parse(R"({"type":"piecewise_constant","boundaries":[10,20],"values":[1.0,0.5,0.1]})"));
  CHECK(s->value(0) == 1.0);
  CHECK(s->value(10) == 1.0);
  CHECK(s->value(11) == 0.5);
  CHECK(s->value(20) == 0.5);
  CHECK(s->value(21) == 0.1);
  CHECK(s->value(1000000) == 0.1);
}

TEST_CASE("piecewise_constant: one boundary, and round trip", "[piecewise_constant]") {
  const Json spec = Json::parse(R"({"type":"piecewise_constant","boundaries":[0],"values":[0.3,0.2]})");
  auto s = schedule(spec);
  CHECK(s->value(0) == 0.3);
  CHECK(s->value(1) == 0.2);
  lrlab::test::check_round_trip(spec, {0, 1, 2});
}

TEST_CASE("piecewise_constant: bad parameters", "[piecewise_constant]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"piecewise_constant","boundaries":[10,20],"values":[1.0,0.5]})", "values",
                 "Received: boundaries=[10,20] of length 2, values=[1.0,0.5] of length 2");
  check_rejected(R"({"type":"piecewise_constant","boundaries":[20,10],"values":[1,0.5,0.1]})", "boundaries",
                 "strictly increasing. Received: boundaries=[20,10]");
  check_rejected(R"({"type":"piecewise_constant","boundaries":[],"values":[1]})", "boundaries", "at least one");
  check_rejected(R"({"type":"piecewise_constant","boundaries":[10],"values":[1,-0.5]})", "values/1", "must be >= 0");
  check_rejected(R"({"type":"piecewise_constant","boundaries":[10.5],"values":[1,0.5]})", "boundaries/0", "an integer");
}
