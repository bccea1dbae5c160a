#pragma once
// ScrambledHalton: the quasi-random points of a `quasi_random` search.
//
// Coordinate d of point i is the radical inverse of i in the d-th prime base (2, 3, 5, 7, ...):
// i's digits in base b, mirrored around the radix point. Every b^m consecutive points put exactly
// one coordinate in each interval [j/b^m, (j+1)/b^m): a low-discrepancy sequence, which covers a
// range more evenly than independent draws (AlgoPerf's tuning rulesets draw their search points
// from a scrambled Halton sequence). Plain Halton points in neighbouring large bases are strongly
// correlated for the first points; scrambling fixes that: digit k of every coordinate in base b
// goes through its own random permutation of 0..b-1 (drawn from the seed, the dimension and k),
// which keeps the stratification above (the intervals are permuted as wholes) and makes the
// sequence a function of the seed. Digits are taken to 53 bits of resolution, so that index 0 is
// a random point too (its digits are all 0 before the permutations).
//
// A point is a function of (seed, index, dimension) alone: trial 7 of a search is the same point
// whether 10 or 1000 points are drawn, on any thread, rank or resume.
#include <cstddef>
#include <cstdint>

namespace lrlab {

class ScrambledHalton {
 public:
  // scramble = false: the plain Halton sequence (for tests against the textbook definition).
  explicit ScrambledHalton(std::uint64_t seed, bool scramble = true) : seed_(seed), scramble_(scramble) {}

  // Coordinate `dimension` (0-based: base 2, 3, 5, ...) of point `index`, in [0, 1).
  double coordinate(std::uint64_t index, std::size_t dimension) const;

  // The d-th prime, 0-based (the base of dimension d).
  static std::uint64_t prime(std::size_t d);

 private:
  std::uint64_t seed_;
  bool scramble_;
};

}  // namespace lrlab
