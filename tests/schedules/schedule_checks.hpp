#pragma once
// Checks shared by the schedule tests: the config round trip (Keras's habit: every schedule's
// resolved config rebuilds the same schedule) and the "Received: name=value" error messages.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "support/catalog.hpp"

namespace lrlab::test {

// The schedule object as a spec stores it in config_json: validated, every default filled in.
inline Json resolved(const Json& spec) {
  static const Resolver resolver(static_catalog());
  return resolver.component(Kind::schedule, spec, "/schedule");
}

// Resolve `spec`, rebuild a schedule from the resolved JSON (written out and read back as text),
// and check that both give the same rate and beta_1 at `steps`, bit for bit; the resolved config
// must also be a fixed point of resolving.
inline void check_round_trip(const Json& spec, std::initializer_list<std::int64_t> steps, double base_lr = 1e-3,
                             std::int64_t total_steps = 1000, std::int64_t steps_per_epoch = 1) {
  const Json config = resolved(spec);
  const Json reread = Json::parse(config.dump());
  CHECK(resolved(reread) == config);
  const auto a = schedule(spec, base_lr, total_steps, steps_per_epoch);
  const auto b = schedule(reread, base_lr, total_steps, steps_per_epoch);
  for (const auto t : steps) {
    INFO("t = " << t << ", config " << config.dump());
    CHECK(a->value(t) == b->value(t));
    CHECK(a->beta_1(t) == b->beta_1(t));
  }
}

// Building `spec` fails at validate with the pointer of `param` and the message parts given.
inline void check_rejected(const std::string& spec, const std::string& param, const std::string& what,
                           double base_lr = 1e-3, std::int64_t total_steps = 1000) {
  using Catch::Matchers::Contains;
  INFO(spec);
  CHECK_THROWS_WITH(schedule(Json::parse(spec), base_lr, total_steps), Contains("/schedule/" + param) && Contains(what));
}

}  // namespace lrlab::test
