// The quasi-random sequence of `quasi_random` searches against the textbook radical inverse, and
// the stratification its scrambling must keep.
#include <catch2/catch.hpp>

#include <set>

#include "lrlab/halton.hpp"

using lrlab::ScrambledHalton;

namespace {

// The radical inverse of i in base b, digit by digit as the textbooks write it:
// i = sum d_k b^k  ->  sum d_k b^-(k+1).
double radical_inverse(std::uint64_t i, std::uint64_t b) {
  double r = 0.0, f = 1.0;
  while (i > 0) {
    f /= static_cast<double>(b);
    r += f * static_cast<double>(i % b);
    i /= b;
  }
  return r;
}

}  // namespace

TEST_CASE("halton: the first primes are the bases", "[search][halton]") {
  const std::vector<std::uint64_t> primes{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71};
  for (std::size_t d = 0; d < primes.size(); ++d) CHECK(ScrambledHalton::prime(d) == primes[d]);
  CHECK(ScrambledHalton::prime(99) == 541);  // the 100th prime
}

TEST_CASE("halton: unscrambled, coordinate d of point i is the radical inverse of i in the d-th prime", "[search][halton]") {
  const ScrambledHalton plain(0, false);
  for (std::size_t d = 0; d < 8; ++d)
    for (std::uint64_t i = 0; i < 300; ++i) {
      INFO("dimension " << d << ", point " << i);
      CHECK(plain.coordinate(i, d) == Approx(radical_inverse(i, ScrambledHalton::prime(d))).epsilon(1e-15).margin(1e-15));
    }
  // Hand-worked: 6 = 110 in base 2 -> 0.011 = 0.375; 5 = 12 in base 3 -> 0.21 = 2/3 + 1/9.
  CHECK(plain.coordinate(6, 0) == 0.375);
  CHECK(plain.coordinate(5, 1) == Approx(7.0 / 9.0));
}

TEST_CASE("halton: scrambled, every b^m consecutive points still put one coordinate in each interval of width b^-m",
          "[search][halton]") {
  for (std::uint64_t seed : {0ULL, 7ULL, 123456789ULL}) {
    const ScrambledHalton h(seed);
    for (std::size_t d : {0, 1, 2, 5}) {
      const std::uint64_t b = ScrambledHalton::prime(d);
      std::uint64_t n = 1;
      while (n * b <= 200) n *= b;  // b^m
      for (std::uint64_t start : {std::uint64_t{0}, n}) {  // the first block and the next
        std::set<std::uint64_t> cells;
        for (std::uint64_t i = start; i < start + n; ++i) {
          const double u = h.coordinate(i, d);
          REQUIRE(u >= 0.0);
          REQUIRE(u < 1.0);
          cells.insert(static_cast<std::uint64_t>(u * static_cast<double>(n)));
        }
        INFO("seed " << seed << ", dimension " << d << ", " << n << " points from " << start);
        CHECK(cells.size() == n);
      }
    }
  }
}

TEST_CASE("halton: scrambling depends on the seed and the dimension, and repeats for the same seed", "[search][halton]") {
  const ScrambledHalton a(1), a2(1), b(2);
  int same_seed_differs = 0, other_seed_same = 0;
  for (std::uint64_t i = 0; i < 50; ++i) {
    same_seed_differs += a.coordinate(i, 3) != a2.coordinate(i, 3);
    other_seed_same += a.coordinate(i, 3) == b.coordinate(i, 3);
  }
  CHECK(same_seed_differs == 0);
  CHECK(other_seed_same == 0);
  // Point 0 is not the corner: its digits are permuted too.
  CHECK(a.coordinate(0, 0) != 0.0);
}
