#pragma once
// Population-based training (Jaderberg et al. 2017): a search that evolves a population of trials.
//
//   "search": {"type": "pbt", "population": P, "interval": k, "quantile": 0.25,
//              "metric": "val_loss", "mode": "min", "seed": S (default: the spec's seed),
//              "space": {PATH: DISTRIBUTION, ...},          (optional: the first generation's draws)
//              "mutations": {PATH: {"factors": [0.8, 1.25]} | {"resample": DISTRIBUTION}
//                                  [, "resample_probability": 0.25, "low": a, "high": b]}}
//
// Member m of the first generation is the spec with the space's point m drawn (search_space.hpp,
// random draws) and the seed of repeat m: P runs that differ by their seed and their draws. Every
// `interval` updates (a generation), every member still training pauses there, and the members are
// ranked by the metric's evaluation at that step (a member whose trial ended before, stopped by a
// policy, diverged or failed, ranks last) (synchronous generations, decided from the
// database: the same under any --jobs, rank count or interruption). The bottom quantile of the
// members (ceil(P q), at most P/2, Ray Tune's count) *exploit*: each copies the full state of a
// member of the top quantile (its checkpoint: parameters, Adam's moments, the policies' state, the
// task's data order) and *explores*: every mutated value is perturbed. Step counters continue:
// the copy is a new trial (a fork) that starts at the generation's step with the perturbed values
// and the seed of the member it copied; the trial it replaces ends there, status `pruned`, with an
// events row. The other members go on as they were. The lineage table records, for every
// generation and member, the trial that carries it on, the trial it copied and its values.
//
// Whom a member copies is drawn from Rng(derive(derive(derive(derive(seed, streams::pbt), generation),
// member), 0)); how it explores from the same with 1 in place of 0. Explore, per mutated path:
// with "resample" alone, a new draw from the distribution; with "factors" alone, the value times
// one of the factors, each equally likely; with both, a draw with probability
// resample_probability, else a factor (Ray Tune's explore). The result is kept within [low, high]
// (the distribution's own low/high when it has them), and rounded for an integer parameter.
//
// What PBT mutates must be what sets the learning rate: optimizer.learning_rate or a numeric value
// inside the schedule. That is what makes a winner replayable as one ordinary trial whose schedule
// is the lineage's segments (`lrlab replay`, replay.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/search_space.hpp"

namespace lrlab {

struct Mutation {
  std::string path;     // "optimizer.learning_rate"
  std::string pointer;  // "/search/mutations/optimizer.learning_rate"
  std::vector<double> factors;
  Json resample;  // a distribution, or null
  std::shared_ptr<const SearchSpace> draws;  // resample's, as a one-path space: draw i is point(i)
  double resample_probability = 0.25;
  std::optional<double> low, high;
};

struct PbtConfig {
  std::int64_t population = 0;
  std::int64_t interval = 0;
  double quantile = 0.25;
  std::string metric = "val_loss";
  bool maximize = false;
  std::uint64_t seed = 0;
  Json space = Json::object();  // the first generation's distributions (the resample ones added)
  std::vector<Mutation> mutations;
};

// Whether the search block is a PBT one ("type": "pbt").
bool is_pbt(const Json& search);

// The block checked on its own (types, ranges, paths): SpecErrors at "/search/...".
PbtConfig parse_pbt(const Json& search, std::uint64_t experiment_seed, const Resolver& resolver);

// The settings of the block, for `describe` and the JSON Schema.
const std::vector<Param>& pbt_params();
const std::vector<Param>& mutation_params();

// How many members exploit (and how many they copy from) in a population of `population`.
std::int64_t quantile_count(std::int64_t population, double quantile);

// A member as a generation sees it.
struct MemberAtGeneration {
  std::int64_t member = 0;
  double value = 0;   // the metric at the generation's step, lower is better (max metrics negated); +inf: diverged
  bool live = false;  // still training: it can be copied
};

// One exploit: member `member` copies member `parent`.
struct Exploit {
  std::int64_t member = 0, parent = 0;
};

// The exploits of generation `generation`: the bottom quantile of `members` (ranked by value, then
// member index) each copy a member of the top quantile of the live ones, chosen with the
// generation's and member's own random stream. A pure function.
std::vector<Exploit> exploit(const PbtConfig& pbt, std::int64_t generation, std::vector<MemberAtGeneration> members);

// A member's values as explore sees them: its search values (`grid_point`, as the trials table
// keeps them) and, for every mutated path, the value its resolved configuration (`config`, as
// trials.config_json) holds there. A SpecError at the mutation when that is not a number.
Json current_values(const PbtConfig& pbt, const Json& grid_point, const Json& config);

// The values a copy explores to: `values` (current_values of the member copied) with every mutated
// path perturbed. An integer value stays an integer (rounded after its factor).
Json explore(const PbtConfig& pbt, std::int64_t generation, std::int64_t member, const Json& values);

}  // namespace lrlab
