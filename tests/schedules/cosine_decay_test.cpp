// cosine_decay against numbers worked out from Keras 3's CosineDecay:
//   decay: from * ((1 - alpha) * 0.5 * (1 + cos(pi * min(s, decay_steps) / decay_steps)) + alpha)
//   warm-up (with warmup_target): initial + (target - initial) * t / warmup_steps, then decay from target
#include <catch2/catch.hpp>

#include "schedule_checks.hpp"

using lrlab::Json;
using lrlab::test::schedule;

TEST_CASE("cosine_decay: decays to alpha * initial and stays", "[cosine_decay]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_decay","initial_learning_rate":0.1,"decay_steps":100,"alpha":0.1})"));
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(25) == Approx(0.08681980515339464).epsilon(1e-13));
  CHECK(s->value(50) == Approx(0.055).epsilon(1e-13));
  CHECK(s->value(99) == Approx(0.010022204783542078).epsilon(1e-12));
  CHECK(s->value(100) == Approx(0.01).epsilon(1e-13));
  CHECK(s->value(1000) == Approx(0.01).epsilon(1e-13));
}

TEST_CASE("cosine_decay: linear warm-up to warmup_target, then decay", "[cosine_decay]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_decay","initial_learning_rate":0.0,"decay_steps":100,
                                    "warmup_target":0.2,"warmup_steps":10})"));
  CHECK(s->value(0) == 0.0);
  CHECK(s->value(5) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(9) == Approx(0.18).epsilon(1e-14));
  CHECK(s->value(10) == Approx(0.2).epsilon(1e-14));
  CHECK(s->value(60) == Approx(0.1).epsilon(1e-13));
  CHECK(s->value(110) == Approx(0.0).margin(1e-18));
  CHECK(s->value(500) == Approx(0.0).margin(1e-18));
}

TEST_CASE("cosine_decay: warmup_steps without warmup_target is ignored, as in Keras", "[cosine_decay]") {
  auto s = schedule(Json::parse(R"({"type":"cosine_decay","decay_steps":100,"alpha":0.1,"warmup_steps":50})"), 0.1);
  CHECK(s->value(0) == Approx(0.1).epsilon(1e-14));
  CHECK(s->value(50) == Approx(0.055).epsilon(1e-13));
}

TEST_CASE("cosine_decay: round trip", "[cosine_decay]") {
  lrlab::test::check_round_trip(Json::parse(R"({"type":"cosine_decay","decay_steps":100,"warmup_target":0.01,"warmup_steps":7})"),
                                {0, 3, 7, 8, 50, 107, 2000});
  CHECK_FALSE(lrlab::test::resolved(Json::parse(R"({"type":"cosine_decay","decay_steps":100})")).contains("warmup_target"));
}

TEST_CASE("cosine_decay: bad parameters", "[cosine_decay]") {
  using lrlab::test::check_rejected;
  check_rejected(R"({"type":"cosine_decay","decay_steps":0})", "decay_steps", "Received: decay_steps=0");
  check_rejected(R"({"type":"cosine_decay","decay_steps":10,"alpha":1.5})", "alpha", "must be in [0, 1]");
  check_rejected(R"({"type":"cosine_decay","decay_steps":10,"warmup_steps":-1})", "warmup_steps", "Received: warmup_steps=-1");
  check_rejected(R"({"type":"cosine_decay","decay_steps":10,"warmup_target":0})", "warmup_target", "must be > 0");
}
