// Params::given(): a value the user wrote, or one a default filled in. The builders read it from
// the component object as written (`declared`), nested schedules from its matching child; without
// it, from the resolved object alone, where a value equal to its default counts as defaulted.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "lrlab/builtins.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/schedule_fn.hpp"

using lrlab::Json;

namespace {

// What the probe schedule's factory saw at its last build: parameter -> given().
std::map<std::string, bool> seen;

void register_probe(lrlab::Registry& r) {
  r.add_schedule({.name = "probe",
                  .summary = "test: records Params::given() of its parameters",
                  .params = {lrlab::Param::real("a", "with a default").def(1.0),
                             lrlab::Param::real("b", "with a default and an alias").def(2.0).alias("bee"),
                             lrlab::Param::real("c", "without a default")}},
                 lrlab::schedule_fn([](const lrlab::Params& p, const lrlab::ScheduleContext&) {
                   seen = {{"a", p.given("a")}, {"b", p.given("b")}, {"c", p.given("c")}};
                   return [](std::int64_t) { return 1.0; };
                 }));
}

const lrlab::Catalog& catalog() {
  static const lrlab::Catalog c = [] {
    lrlab::Catalog cat;
    cat.add_static("core", "test", &lrlab::register_builtin_components);
    cat.add_static("probe", "test", &register_probe);
    return cat;
  }();
  return c;
}

// Build `written` as a spec's schedule, passing it as the declared object or not.
std::map<std::string, bool> given(const Json& written, bool pass_declared) {
  const lrlab::Resolver resolver(catalog());
  const Json resolved = resolver.component(lrlab::Kind::schedule, written, "/schedule");
  seen.clear();
  lrlab::build_schedule(resolver, resolved, "/schedule", lrlab::ScheduleContext{}, pass_declared ? &written : nullptr);
  return seen;
}

using Given = std::map<std::string, bool>;

}  // namespace

TEST_CASE("given: what the user wrote, under its name or an alias, even at the default value", "[params][given]") {
  CHECK(given(Json::parse(R"({"type": "probe", "a": 1.0, "bee": 5})"), true) == Given{{"a", true}, {"b", true}, {"c", false}});
  CHECK(given(Json::parse(R"({"type": "probe", "c": 3})"), true) == Given{{"a", false}, {"b", false}, {"c", true}});
}

TEST_CASE("given: without the declared object, a value equal to its default counts as defaulted", "[params][given]") {
  // What a trial rebuilt from its stored config_json sees: a = 1.0 is indistinguishable from the default.
  CHECK(given(Json::parse(R"({"type": "probe", "a": 1.0, "bee": 5})"), false) == Given{{"a", false}, {"b", true}, {"c", false}});
  CHECK(given(Json::parse(R"({"type": "probe", "c": 3})"), false) == Given{{"a", false}, {"b", false}, {"c", true}});
}

TEST_CASE("given: nested schedules are matched to the children of the declared object", "[params][given]") {
  const auto in_warmup = Json::parse(R"({"type": "warmup", "steps": 2, "schedule": {"type": "probe", "a": 1.0}})");
  CHECK(given(in_warmup, true) == Given{{"a", true}, {"b", false}, {"c", false}});
  CHECK(given(in_warmup, false) == Given{{"a", false}, {"b", false}, {"c", false}});
  // The last child of a sequential is the one built last.
  const auto in_sequential = Json::parse(R"({"type": "sequential", "milestones": [3],
      "schedules": [{"type": "probe"}, {"type": "chain", "schedules": [{"type": "probe", "b": 2.0}]}]})");
  CHECK(given(in_sequential, true) == Given{{"a", false}, {"b", true}, {"c", false}});
  CHECK(given(in_sequential, false) == Given{{"a", false}, {"b", false}, {"c", false}});
}

TEST_CASE("given: Params built directly count every present value as given", "[params][given]") {
  const lrlab::Params p(Json{{"a", 1.0}, {"n", nullptr}});
  CHECK(p.given("a"));
  CHECK_FALSE(p.given("n"));  // null means absent
  CHECK_FALSE(p.given("missing"));
  const lrlab::Params q(Json{{"a", 1.0}, {"b", 2.0}}, {"b"});
  CHECK(q.given("a"));
  CHECK_FALSE(q.given("b"));
  CHECK(q.has("b"));
}
