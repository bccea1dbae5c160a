#include <catch2/catch.hpp>

#include "support/catalog.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("constant: the optimizer's rate, or its own", "[constant]") {
  auto s = schedule(Json::parse(R"({"type":"constant"})"), 0.003);
  for (std::int64_t t : {0, 1, 999, 1000000}) CHECK(s->value(t) == 0.003);
  CHECK(schedule(Json::parse(R"({"type":"constant","learning_rate":0.5})"), 0.003)->value(7) == 0.5);
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"constant","learning_rate":-1})")),
                    Catch::Matchers::Contains("/schedule/learning_rate"));
  CHECK_THROWS_WITH(schedule(Json::parse(R"({"type":"constnat"})")),
                    Catch::Matchers::Contains("unknown schedule type constnat; did you mean constant?"));
}
