// The bytes a worker rank sends to rank 0: every field comes back, every double bit for bit.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>

#include "lrlab/chunk_codec.hpp"

using namespace lrlab;

namespace {

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

void check_same(const std::optional<double>& a, const std::optional<double>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (a) CHECK(bits(*a) == bits(*b));
}

}  // namespace

TEST_CASE("chunk codec: a full chunk round-trips, doubles bit for bit", "[core][mpi]") {
  const double odd[] = {0.1, -0.0, std::numeric_limits<double>::denorm_min(), INFINITY, -INFINITY, NAN,
                        std::nextafter(1.0, 2.0)};
  TrialChunk c;
  c.trial_id = 123456789012345;
  c.started = true;
  for (std::int64_t i = 0; i < 7; ++i) c.steps.push_back({i, i / 3, odd[i], odd[6 - i], i % 2 ? NAN : 0.9});
  c.evals.push_back({7, 2, "val_loss", 0.30000000000000004});
  c.evals.push_back({7, 2, "", -0.0});
  c.events.push_back({3, 1, "reduce_on_plateau", "scale", 0.01, 0.005, std::string("with a\0NUL byte", 15)});
  TrialOutcome o;
  o.status = status::stopped_early;
  o.error = "";
  o.steps_done = 7;
  o.wall_seconds = 1.25;
  o.final_train_loss = 0.1;
  o.best_val_loss = NAN;
  o.final_val_accuracy = 0.96;
  o.host = "node-17";
  o.rank = 42;
  c.outcome = o;

  const TrialChunk d = decode_chunk(encode_chunk(c));
  CHECK(d.trial_id == c.trial_id);
  CHECK(d.started);
  REQUIRE(d.steps.size() == c.steps.size());
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    CHECK(d.steps[i].step == c.steps[i].step);
    CHECK(d.steps[i].epoch == c.steps[i].epoch);
    CHECK(bits(d.steps[i].lr) == bits(c.steps[i].lr));
    CHECK(bits(d.steps[i].train_loss) == bits(c.steps[i].train_loss));
    CHECK(bits(d.steps[i].beta_1) == bits(c.steps[i].beta_1));
  }
  REQUIRE(d.evals.size() == 2);
  CHECK(d.evals[0].metric == "val_loss");
  CHECK(bits(d.evals[0].value) == bits(0.30000000000000004));
  CHECK(d.evals[1].metric.empty());
  CHECK(std::signbit(d.evals[1].value));
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0].source == "reduce_on_plateau");
  CHECK(d.events[0].kind == "scale");
  CHECK(d.events[0].message == c.events[0].message);
  CHECK(d.events[0].new_lr == 0.005);
  REQUIRE(d.outcome);
  CHECK(d.outcome->status == status::stopped_early);
  CHECK(d.outcome->steps_done == 7);
  CHECK(d.outcome->wall_seconds == 1.25);
  check_same(d.outcome->final_train_loss, o.final_train_loss);
  check_same(d.outcome->final_val_loss, o.final_val_loss);
  check_same(d.outcome->best_val_loss, o.best_val_loss);
  check_same(d.outcome->final_val_accuracy, o.final_val_accuracy);
  CHECK(d.outcome->host == "node-17");
  CHECK(d.outcome->rank == 42);
}

TEST_CASE("chunk codec: an empty chunk round-trips, damaged bytes are refused", "[core][mpi]") {
  TrialChunk c;
  c.trial_id = 3;
  const std::string bytes = encode_chunk(c);
  const TrialChunk d = decode_chunk(bytes);
  CHECK(d.trial_id == 3);
  CHECK_FALSE(d.started);
  CHECK(d.steps.empty());
  CHECK_FALSE(d.outcome);

  c.steps.push_back({0, 0, 0.1, 1.0});
  c.outcome = TrialOutcome{};
  const std::string full = encode_chunk(c);
  for (std::size_t n = 0; n < full.size(); ++n) CHECK_THROWS(decode_chunk(std::string_view(full).substr(0, n)));
  CHECK_THROWS(decode_chunk(full + "x"));
  std::string huge = full;
  huge[4 + 8 + 1 + 7] = '\x7f';  // the step count's top byte: a count no message could hold
  CHECK_THROWS(decode_chunk(huge));
  std::string other = full;
  other[0] ^= 1;
  CHECK_THROWS_WITH(decode_chunk(other), Catch::Contains("unknown format"));
}
