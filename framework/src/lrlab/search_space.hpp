#pragma once
// SearchSpace: the `search` block of a spec, and the points it draws.
//
//   "search": {"type": "random" | "quasi_random", "trials": N, "seed": S (default: the spec's seed),
//              "space": {PATH: DISTRIBUTION, ...}}
//
// A distribution is an object with a "distribution" key (the form of W&B sweeps):
//   {"distribution": "uniform",         "low": a, "high": b}    a + u (b - a)
//   {"distribution": "log_uniform",     "low": a, "high": b}    a (b/a)^u, 0 < a < b
//   {"distribution": "int_uniform",     "low": m, "high": n}    an integer in m..n, each equally likely
//   {"distribution": "log_int_uniform", "low": m, "high": n}    floor of a log-uniform draw in [m, n+1), 1 <= m < n
//   {"distribution": "normal",          "mean": m, "std": s}    m + s z
//   {"distribution": "log_normal",      "median": m, "std": s}  m e^(s z): s is the std of ln(value)
//   {"distribution": "choice",          "values": [v, ...]}     one of the values, each equally likely
// where u is uniform in [0, 1) and z = Phi^-1(u) standard normal. A choice's values may be whole
// components, and may hold distributions of their own anywhere inside: a conditional space (a
// choice of schedules, each with its own parameter ranges); only the chosen value's are drawn.
//
// Every distribution owns one dimension, numbered depth first in the order the space is written
// (a choice before the distributions inside its values). Point i's draw in dimension d is
//   random:        uniform from Rng(derive_seed(derive_seed(derive_seed(seed, streams::search), i), d))
//   quasi_random:  coordinate d of point i of the ScrambledHalton sequence of the seed
// so a point is a function of the seed and its index alone: the same trials under any --jobs, any
// rank count and after any resume, and raising `trials` keeps the points drawn before.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab {

class SearchSpace {
 public:
  // `search`: the block as written; `experiment_seed`: the spec's seed. Errors are SpecErrors at
  // the block's pointers ("/search/space/optimizer.learning_rate/low").
  SearchSpace(const Json& search, std::uint64_t experiment_seed, const Resolver& resolver);

  std::int64_t trials() const { return trials_; }
  bool quasi_random() const { return quasi_; }
  // The space's paths, in the written order ("optimizer.learning_rate", "schedule").
  const std::vector<std::string>& paths() const { return paths_; }
  std::size_t dimensions() const { return dims_.size(); }

  // Point `index`: {PATH: value, ...} with every distribution drawn. A draw that is not a finite
  // number (a log_normal past the largest double) is a SpecError at its distribution.
  Json point(std::int64_t index) const;

  // Where in the spec the value point `index` puts at `pointer` inside PATH's value was written:
  // through the values its choices chose ("/search/space/schedule/values/1/decay_rate"). `drawn`
  // tells whether it was drawn from a distribution (else it was written out in a choice's value).
  struct Source {
    std::string pointer;
    bool drawn = false;
  };
  Source source(std::int64_t index, const std::string& path, const std::string& pointer) const;

  // The distribution names, for messages and the JSON Schema.
  static const std::vector<std::string>& distribution_names();

 private:
  struct Distribution {
    std::string kind;
    double a = 0, b = 0;         // low/high, mean/std, median/std
    std::int64_t low = 0, high = 0;  // the integer distributions' bounds, exactly
    Json values;                 // choice
  };
  std::size_t chosen(const std::string& at, std::int64_t index) const;  // a choice's value index
  // Parse the distribution at `node` (space pointer `at`), and those inside its values.
  void parse(const Json& node, const std::string& at, const Resolver& resolver);
  void parse_inside(const Json& node, const std::string& at, const Resolver& resolver);
  Json draw(const std::string& at, std::int64_t index) const;
  Json expand(const Json& node, const std::string& at, std::int64_t index) const;
  double unit(std::int64_t index, std::size_t dimension) const;

  std::int64_t trials_ = 0;
  bool quasi_ = false;
  std::uint64_t seed_ = 0;
  Json space_;
  std::vector<std::string> paths_;
  std::map<std::string, std::size_t> dim_of_;  // pointer of a distribution -> its dimension
  std::vector<Distribution> dims_;
};

// Whether `j` is a distribution object (has a "distribution" key).
bool is_distribution(const Json& j);

}  // namespace lrlab
