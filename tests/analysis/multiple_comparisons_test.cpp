// Holm's and Benjamini-Hochberg's adjusted p-values, worked out by hand for small families.
#include <catch2/catch.hpp>
#include <cmath>

#include "lrlab/analysis/multiple_comparisons.hpp"
#include "lrlab/errors.hpp"

using namespace lrlab::analysis::stats;

TEST_CASE("multiple comparisons: Holm's step-down adjustment, by hand", "[analysis][statistics]") {
  // Ascending: 0.01 (x4 = 0.04), 0.03 (x3 = 0.09), 0.04 (x2 = 0.08, raised to the running max 0.09),
  // 0.20 (x1); in the input order.
  const auto h = holm({0.01, 0.04, 0.03, 0.20});
  REQUIRE(h.size() == 4);
  CHECK(h[0] == Approx(0.04));
  CHECK(h[1] == Approx(0.09));
  CHECK(h[2] == Approx(0.09));
  CHECK(h[3] == Approx(0.20));
  // Capped at 1.
  CHECK(holm({0.6, 0.7}) == std::vector<double>{1.0, 1.0});
  CHECK(holm({}).empty());
}

TEST_CASE("multiple comparisons: Benjamini-Hochberg's step-up adjustment, by hand", "[analysis][statistics]") {
  // m p_(i) / i: 0.04, 0.06, 0.0533, 0.20; the running minimum from the largest: 0.04, 0.0533, 0.0533, 0.20.
  const auto b = benjamini_hochberg({0.01, 0.04, 0.03, 0.20});
  CHECK(b[0] == Approx(0.04));
  CHECK(b[1] == Approx(4 * 0.04 / 3));
  CHECK(b[2] == Approx(4 * 0.04 / 3));
  CHECK(b[3] == Approx(0.20));
  const auto capped = benjamini_hochberg({0.9, 0.95});  // 2 · 0.9 / 1 = 1.8 and 0.95: the minimum from the top
  CHECK(capped[0] == Approx(0.95));
  CHECK(capped[1] == Approx(0.95));
}

TEST_CASE("multiple comparisons: untested comparisons (NaN) are not in the family", "[analysis][statistics]") {
  const double nan = std::nan("");
  const auto a = adjust({0.02, nan, 0.03}, Correction::holm);  // m = 2: 0.04, max(0.04, 0.03)
  CHECK(a[0] == Approx(0.04));
  CHECK(std::isnan(a[1]));
  CHECK(a[2] == Approx(0.04));
  const auto n = adjust({0.02, nan}, Correction::none);
  CHECK(n[0] == 0.02);
  CHECK(std::isnan(n[1]));
  const auto b = adjust({0.01, 0.04}, Correction::bh);  // 2 · 0.01 / 1, 2 · 0.04 / 2
  CHECK(b[0] == Approx(0.02));
  CHECK(b[1] == Approx(0.04));
  CHECK(parse_correction("bh") == Correction::bh);
  CHECK(correction_label(Correction::holm) == "Holm-adjusted");
  CHECK_THROWS_WITH(parse_correction("bonferroni"), "--correction must be holm, bh or none; received \"bonferroni\"");
}
