#include "lrlab/search_space.hpp"

#include <boost/math/distributions/normal.hpp>
#include <algorithm>
#include <cmath>

#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/halton.hpp"
#include "lrlab/random.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab {

namespace {

const std::string space_root = "/search/space";

const std::vector<Param>& search_params() {
  static const std::vector<Param> p{
      Param::string("type", "random: independent draws; quasi_random: a scrambled Halton sequence, which covers the "
                            "space more evenly").required().one_of({"random", "quasi_random"}),
      Param::integer("trials", "points drawn (each run `repeats` times); raising it later keeps the points drawn before")
          .required().at_least(1).at_most(static_cast<double>(max_trials)),
      Param::integer("seed", "the seed of the points (default: the spec's seed)").at_least(0),
      Param::json("space", "dotted paths into the spec, each with a distribution").required(),
  };
  return p;
}

// The parameters of each distribution, besides "distribution" itself.
const std::vector<Param>& params_of(const std::string& kind) {
  static const Param name = Param::string("distribution", "the distribution").required();
  static const auto bounds = [](Param low, Param high) { return std::vector<Param>{name, low, high}; };
  static const std::map<std::string, std::vector<Param>> table{
      {"uniform", bounds(Param::real("low", "lowest value").required(), Param::real("high", "highest value").required())},
      {"log_uniform", bounds(Param::real("low", "lowest value").required().above(0),
                             Param::real("high", "highest value").required().above(0))},
      {"int_uniform", bounds(Param::integer("low", "lowest integer").required(),
                             Param::integer("high", "highest integer (included)").required())},
      {"log_int_uniform", bounds(Param::integer("low", "lowest integer").required().at_least(1),
                                 Param::integer("high", "highest integer (included)").required().at_least(1))},
      {"normal", {name, Param::real("mean", "the mean").required(), Param::real("std", "the standard deviation").required().above(0)}},
      {"log_normal", {name, Param::real("median", "the median").required().above(0),
                      Param::real("std", "the standard deviation of ln(value)").required().above(0)}},
      {"choice", {name, Param::json("values", "the values, each equally likely; they may hold distributions").required()}},
  };
  return table.at(kind);
}

double real_at(const Json& d, const char* key) { return d.at(key).get<double>(); }

}  // namespace

const std::vector<std::string>& SearchSpace::distribution_names() {
  static const std::vector<std::string> n{"uniform", "log_uniform", "int_uniform", "log_int_uniform",
                                          "normal",  "log_normal",  "choice"};
  return n;
}

bool is_distribution(const Json& j) { return j.is_object() && j.contains("distribution"); }

SearchSpace::SearchSpace(const Json& search, std::uint64_t experiment_seed, const Resolver& resolver) {
  if (!search.is_object())
    throw SpecError("/search", "expected {\"type\": \"random\" or \"quasi_random\", \"trials\": N, \"space\": {...}}, received " +
                                   search.dump());
  const Json s = resolver.object(search, search_params(), "/search");
  quasi_ = s["type"] == "quasi_random";
  trials_ = s["trials"].get<std::int64_t>();
  seed_ = s.contains("seed") && !s["seed"].is_null() ? s["seed"].get<std::uint64_t>() : experiment_seed;
  space_ = s["space"];
  if (!space_.is_object() || space_.empty())
    throw SpecError(space_root, "expected an object of dotted paths, each with a distribution, such as {\"optimizer.learning_rate\": "
                                "{\"distribution\": \"log_uniform\", \"low\": 1e-4, \"high\": 1e-1}}; received " + space_.dump());
  for (const auto& [path, node] : space_.items()) {
    paths_.push_back(path);
    parse(node, pointer_join(space_root, path), resolver);
  }
}

void SearchSpace::parse(const Json& node, const std::string& at, const Resolver& resolver) {
  if (!is_distribution(node))
    throw SpecError(at, "expected a distribution such as {\"distribution\": \"log_uniform\", \"low\": 1e-4, \"high\": 1e-1} "
                        "(one of uniform, log_uniform, int_uniform, log_int_uniform, normal, log_normal, choice); received " +
                            node.dump());
  const Json& name = node["distribution"];
  const auto& names = distribution_names();
  if (!name.is_string() || std::find(names.begin(), names.end(), name.get<std::string>()) == names.end()) {
    const std::string n = name.is_string() ? name.get<std::string>() : name.dump();
    throw SpecError(pointer_join(at, "distribution"), "unknown distribution \"" + n + "\"" + did_you_mean(n, names) +
                                                          " (the distributions: uniform, log_uniform, int_uniform, "
                                                          "log_int_uniform, normal, log_normal, choice)");
  }
  Distribution d;
  d.kind = name.get<std::string>();
  const Json r = resolver.object(node, params_of(d.kind), at);
  if (d.kind == "choice") {
    d.values = r["values"];
    if (!d.values.is_array() || d.values.empty())
      throw SpecError(pointer_join(at, "values"), d.values.is_array() ? "the choice has no values: give at least one"
                                                                      : "expected a list of values, received " + d.values.dump());
  } else if (d.kind == "normal") {
    d.a = real_at(r, "mean"), d.b = real_at(r, "std");
  } else if (d.kind == "log_normal") {
    d.a = real_at(r, "median"), d.b = real_at(r, "std");
  } else {
    d.a = real_at(r, "low"), d.b = real_at(r, "high");
    // Integer bounds compared as integers: beyond 2^53 a double cannot tell them apart.
    const bool integers = d.kind.ends_with("int_uniform");
    if (integers) d.low = r["low"].get<std::int64_t>(), d.high = r["high"].get<std::int64_t>();
    if (integers ? d.low >= d.high : d.a >= d.b)
      throw SpecError(pointer_join(at, "high"), "high (" + r["high"].dump() + ") must be above low (" + r["low"].dump() + ")");
  }
  dim_of_[at] = dims_.size();
  dims_.push_back(std::move(d));
  // The distributions inside a choice's values come after the choice, in the order written.
  if (dims_.back().kind == "choice") {
    const Json values = dims_.back().values;
    for (std::size_t i = 0; i < values.size(); ++i) parse_inside(values[i], pointer_join(pointer_join(at, "values"), i), resolver);
  }
}

void SearchSpace::parse_inside(const Json& node, const std::string& at, const Resolver& resolver) {
  if (is_distribution(node)) return parse(node, at, resolver);
  if (node.is_object())
    for (const auto& [key, value] : node.items()) parse_inside(value, pointer_join(at, key), resolver);
  else if (node.is_array())
    for (std::size_t i = 0; i < node.size(); ++i) parse_inside(node[i], pointer_join(at, i), resolver);
}

double SearchSpace::unit(std::int64_t index, std::size_t dimension) const {
  const auto i = static_cast<std::uint64_t>(index);
  if (quasi_) return ScrambledHalton(seed_).coordinate(i, dimension);
  return Rng(derive_seed(derive_seed(derive_seed(seed_, streams::search), i), dimension)).uniform();
}

Json SearchSpace::draw(const std::string& at, std::int64_t index) const {
  const std::size_t dim = dim_of_.at(at);
  const Distribution& d = dims_[dim];
  const double u = unit(index, dim);
  if (d.kind == "int_uniform") {
    // low + floor(u * (high - low + 1)) in integers: exact over the whole range of int64.
    const auto count = static_cast<unsigned __int128>(static_cast<std::uint64_t>(d.high) - static_cast<std::uint64_t>(d.low)) + 1;
    const auto fraction = static_cast<std::uint64_t>(std::ldexp(u, 64));  // u < 1: below 2^64
    const auto k = static_cast<std::uint64_t>((static_cast<unsigned __int128>(fraction) * count) >> 64);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(d.low) + k);
  }
  if (d.kind == "log_int_uniform") {
    const double x = std::floor(std::exp(std::log(d.a) + u * (std::log(d.b + 1.0) - std::log(d.a))));
    // Clamped before the conversion, which past 2^63 would be undefined.
    if (!(x < static_cast<double>(d.high))) return d.high;
    return std::max(d.low, static_cast<std::int64_t>(x));
  }
  double x = 0;
  if (d.kind == "choice") {
    const std::size_t k = chosen(at, index);
    return expand(d.values[k], pointer_join(pointer_join(at, "values"), k), index);
  }
  if (d.kind == "normal" || d.kind == "log_normal") {
    // u in (0, 1): 0 would be -infinity.
    const double p = std::clamp(u, 0x1.0p-53, 1.0 - 0x1.0p-53);
    const double z = boost::math::quantile(boost::math::normal_distribution<double>(), p);
    x = d.kind == "normal" ? d.a + d.b * z : d.a * std::exp(d.b * z);
  } else if (d.kind == "uniform") {
    x = d.a + u * (d.b - d.a);
  } else {
    x = std::exp(std::log(d.a) + u * (std::log(d.b) - std::log(d.a)));
  }
  if (!std::isfinite(x))
    throw SpecError(at, "the search's point " + std::to_string(index) + " draws " + std::to_string(x) +
                            ", not a finite number: narrow the distribution");
  return x;
}

std::size_t SearchSpace::chosen(const std::string& at, std::int64_t index) const {
  const std::size_t dim = dim_of_.at(at);
  const std::size_t n = dims_[dim].values.size();
  return std::min(static_cast<std::size_t>(unit(index, dim) * static_cast<double>(n)), n - 1);
}

SearchSpace::Source SearchSpace::source(std::int64_t index, const std::string& path, const std::string& pointer) const {
  std::string at = pointer_join(space_root, path);
  const Json* node = &space_[path];
  std::size_t pos = 0;  // how much of `pointer` has been followed
  while (true) {
    if (is_distribution(*node)) {
      if ((*node)["distribution"] != "choice") return {at + pointer.substr(pos), true};
      const std::size_t k = chosen(at, index);
      at = pointer_join(pointer_join(at, "values"), k);
      node = &(*node)["values"][k];
      continue;
    }
    if (pos >= pointer.size()) return {at, false};
    const std::size_t next = pointer.find('/', pos + 1);
    const std::string token = pointer.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    if (node->is_object() && node->contains(token)) {
      node = &(*node)[token];
    } else if (node->is_array() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(token) < node->size()) {
      node = &(*node)[std::stoul(token)];
    } else {
      return {at + pointer.substr(pos), false};  // a key the value lacks (a misspelt parameter): as written
    }
    at += pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? pointer.size() : next;
  }
}

Json SearchSpace::expand(const Json& node, const std::string& at, std::int64_t index) const {
  if (is_distribution(node)) return draw(at, index);
  if (node.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : node.items()) out[key] = expand(value, pointer_join(at, key), index);
    return out;
  }
  if (node.is_array()) {
    Json out = Json::array();
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(expand(node[i], pointer_join(at, i), index));
    return out;
  }
  return node;
}

Json SearchSpace::point(std::int64_t index) const {
  Json p = Json::object();
  for (const auto& [path, node] : space_.items()) p[path] = draw(pointer_join(space_root, path), index);
  return p;
}

}  // namespace lrlab
