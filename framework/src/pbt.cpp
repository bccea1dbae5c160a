#include "lrlab/pbt.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/random.hpp"

namespace lrlab {

namespace {

const std::string root = "/search";

// The JSON pointer into a trial's configuration of a dotted path ("schedule.schedules.0.decay_rate").
std::string config_pointer(const std::string& path) {
  std::string out = "/";
  for (char c : path) out += c == '.' ? '/' : c;
  return out;
}

// A distribution checked where the user wrote it: parsed as a one-path space, its errors moved
// from the space's pointers to `at`.
std::shared_ptr<const SearchSpace> distribution_at(const Json& dist, const std::string& path, const std::string& at,
                                                   std::uint64_t seed, const Resolver& resolver) {
  Json block{{"type", "random"}, {"trials", 1}, {"seed", seed}, {"space", Json{{path, dist}}}};
  try {
    return std::make_shared<const SearchSpace>(block, seed, resolver);
  } catch (const SpecError& e) {
    const std::string inner = pointer_join("/search/space", path);
    std::string ptr = e.pointer();
    if (ptr.starts_with(inner)) ptr = at + ptr.substr(inner.size());
    throw SpecError(ptr, e.problem());
  }
}

// The random stream of one member at one generation: 0 picks whom it copies, 1 how it explores.
Rng stream(const PbtConfig& pbt, std::int64_t generation, std::int64_t member, std::uint64_t purpose) {
  const std::uint64_t g = derive_seed(derive_seed(pbt.seed, streams::pbt), static_cast<std::uint64_t>(generation));
  return Rng(derive_seed(derive_seed(g, static_cast<std::uint64_t>(member)), purpose));
}

}  // namespace

bool is_pbt(const Json& search) {
  return search.is_object() && search.contains("type") && search["type"] == "pbt";
}

const std::vector<Param>& pbt_params() {
  static const std::vector<Param> p{
      Param::string("type", "pbt: population-based training").required().one_of({"pbt"}),
      Param::integer("population", "members trained side by side").required().at_least(2).at_most(static_cast<double>(max_trials)),
      Param::integer("interval", "updates per generation: the members are compared, and the worst copy the best, every "
                                 "this many updates (an evaluation step)").required().at_least(1),
      Param::real("quantile", "the share of members that copy (the bottom) and are copied (the top); in (0, 0.5]")
          .def(0.25).above(0).at_most(0.5),
      Param::string("metric", "the validation metric members are ranked by").def("val_loss"),
      Param::string("mode", "min: lower is better; max: higher is better").def("min").one_of({"min", "max"}),
      Param::integer("seed", "the seed of the draws and of who copies whom (default: the spec's seed)").at_least(0),
      Param::json("space", "the first generation's distributions, {PATH: distribution} (default: the spec's values)")
          .def(Json::object()),
      Param::json("mutations", "{PATH: mutation}: what a copy perturbs (optimizer.learning_rate or numbers in the "
                               "schedule)").required(),
  };
  return p;
}

const std::vector<Param>& mutation_params() {
  static const std::vector<Param> p{
      Param::reals("factors", "the value is multiplied by one of these, each equally likely").above(0),
      Param::json("resample", "a distribution the value is drawn from anew"),
      Param::real("resample_probability", "with both factors and resample: the chance of a new draw").def(0.25)
          .at_least(0).at_most(1),
      Param::real("low", "the lowest value a perturbation may give (default: the distribution's low)"),
      Param::real("high", "the highest value a perturbation may give (default: the distribution's high)"),
  };
  return p;
}

std::int64_t quantile_count(std::int64_t population, double quantile) {
  auto n = static_cast<std::int64_t>(std::ceil(static_cast<double>(population) * quantile));
  return std::max<std::int64_t>(1, std::min(n, population / 2));
}

PbtConfig parse_pbt(const Json& search, std::uint64_t experiment_seed, const Resolver& resolver) {
  const Json s = resolver.object(search, pbt_params(), root);
  PbtConfig pbt;
  pbt.population = s["population"].get<std::int64_t>();
  pbt.interval = s["interval"].get<std::int64_t>();
  pbt.quantile = s["quantile"].get<double>();
  pbt.metric = s["metric"].get<std::string>();
  pbt.maximize = s["mode"] == "max";
  pbt.seed = s.contains("seed") && !s["seed"].is_null() ? s["seed"].get<std::uint64_t>() : experiment_seed;
  const Json& space = s["space"];
  if (!space.is_object())
    throw SpecError("/search/space", "expected an object of dotted paths, each with a distribution; received " + space.dump());
  pbt.space = space;
  const Json& mutations = s["mutations"];
  if (!mutations.is_object() || mutations.empty())
    throw SpecError("/search/mutations", "expected an object of dotted paths, each with a mutation such as "
                                         "{\"optimizer.learning_rate\": {\"factors\": [0.8, 1.25]}}; received " + mutations.dump());
  for (const auto& [path, m] : mutations.items()) {
    const std::string at = pointer_join("/search/mutations", path);
    if (path != "optimizer.learning_rate" && !path.starts_with("schedule."))
      throw SpecError(at, "PBT mutates what sets the learning rate: optimizer.learning_rate or a number inside the "
                          "schedule (\"schedule.decay_rate\"); received \"" + path + "\". So that `lrlab replay` can "
                          "rerun a winner as one trial whose schedule is its lineage's");
    for (const auto& [other, node] : space.items())
      if (path.starts_with(other + "."))
        throw SpecError(at, "\"" + path + "\" lies inside \"" + other + "\", which the space draws whole: mutate a path "
                            "the space draws itself, or one outside it");
    if (!m.is_object())
      throw SpecError(at, "expected {\"factors\": [...]} or {\"resample\": distribution}; received " + m.dump());
    const Json r = resolver.object(m, mutation_params(), at);
    Mutation mu;
    mu.path = path;
    mu.pointer = at;
    if (r.contains("factors") && !r["factors"].is_null()) mu.factors = r["factors"].get<std::vector<double>>();
    if (r.contains("resample") && !r["resample"].is_null()) mu.resample = r["resample"];
    if (mu.factors.empty() && mu.resample.is_null())
      throw SpecError(at, "a mutation needs \"factors\" (a non-empty list), \"resample\" (a distribution) or both; received " +
                              m.dump());
    mu.resample_probability = mu.factors.empty() ? 1.0 : mu.resample.is_null() ? 0.0 : r["resample_probability"].get<double>();
    if (!mu.resample.is_null()) {
      mu.draws = distribution_at(mu.resample, path, pointer_join(at, "resample"), pbt.seed, resolver);
      if (!mu.draws->point(0)[path].is_number())
        throw SpecError(pointer_join(at, "resample"), "draws " + mu.draws->point(0)[path].dump() + ", not a number: PBT "
                                                      "perturbs numbers");
      for (const char* k : {"low", "high"})
        if (mu.resample.contains(k) && mu.resample[k].is_number()) (k[0] == 'l' ? mu.low : mu.high) = mu.resample[k].get<double>();
      // The first generation draws what only a resample gives (Ray Tune fills its config the same way).
      if (!pbt.space.contains(path)) pbt.space[path] = mu.resample;
    }
    if (r.contains("low") && !r["low"].is_null()) mu.low = r["low"].get<double>();
    if (r.contains("high") && !r["high"].is_null()) mu.high = r["high"].get<double>();
    if (mu.low && mu.high && !(*mu.low < *mu.high))
      throw SpecError(pointer_join(at, "high"), "high (" + message_number(*mu.high) + ") must be above low (" +
                                                    message_number(*mu.low) + ")");
    pbt.mutations.push_back(std::move(mu));
  }
  return pbt;
}

Json current_values(const PbtConfig& pbt, const Json& grid_point, const Json& config) {
  Json values = grid_point.is_object() ? grid_point : Json::object();
  for (const Mutation& m : pbt.mutations) {
    const Json::json_pointer ptr(config_pointer(m.path));
    if (!config.contains(ptr))
      throw SpecError(m.pointer, "the trials' configuration has no value at \"" + m.path + "\" (a parameter of another "
                                 "schedule, or a misspelt name?): PBT perturbs numbers the configuration holds");
    const Json& v = config.at(ptr);
    if (!v.is_number())
      throw SpecError(m.pointer, "\"" + m.path + "\" is " + v.dump() + " in the trials' configuration, not a number: "
                                 "PBT perturbs numbers");
    values[m.path] = v;
  }
  return values;
}

std::vector<Exploit> exploit(const PbtConfig& pbt, std::int64_t generation, std::vector<MemberAtGeneration> members) {
  // Best first; NaN counts as the worst; ties go to the lower member index.
  std::sort(members.begin(), members.end(), [](const MemberAtGeneration& a, const MemberAtGeneration& b) {
    const double va = std::isnan(a.value) ? INFINITY : a.value, vb = std::isnan(b.value) ? INFINITY : b.value;
    return va != vb ? va < vb : a.member < b.member;
  });
  const auto n = static_cast<std::size_t>(quantile_count(static_cast<std::int64_t>(members.size()), pbt.quantile));
  std::vector<std::int64_t> top;  // the best n live members: only a member still training has a state to copy
  for (const auto& m : members)
    if (m.live && top.size() < n) top.push_back(m.member);
  if (top.empty()) return {};
  std::vector<Exploit> out;
  for (std::size_t i = members.size(); i-- > 0 && out.size() < n;) {
    const auto& m = members[i];
    if (std::find(top.begin(), top.end(), m.member) != top.end()) break;  // reached the top: fewer than n below it
    Rng rng = stream(pbt, generation, m.member, 0);
    out.push_back({m.member, top[rng.below(top.size())]});
  }
  std::sort(out.begin(), out.end(), [](const Exploit& a, const Exploit& b) { return a.member < b.member; });
  return out;
}

Json explore(const PbtConfig& pbt, std::int64_t generation, std::int64_t member, const Json& values) {
  Json out = values;
  Rng rng = stream(pbt, generation, member, 1);
  for (const Mutation& m : pbt.mutations) {
    const Json& now = values.at(m.path);
    double v = 0;
    if (!m.resample.is_null() && rng.uniform() < m.resample_probability)
      v = m.draws->point(static_cast<std::int64_t>(rng.next() >> 1))[m.path].get<double>();  // a draw of its own index
    else
      v = now.get<double>() * m.factors[rng.below(m.factors.size())];
    if (m.low) v = std::max(v, *m.low);
    if (m.high) v = std::min(v, *m.high);
    if (now.is_number_integer()) out[m.path] = static_cast<std::int64_t>(std::llround(v));
    else out[m.path] = v;
  }
  return out;
}

}  // namespace lrlab
