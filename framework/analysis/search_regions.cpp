#include "lrlab/analysis/search_regions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/summary_metrics.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/search_space.hpp"

namespace lrlab::analysis {
namespace {

// A choice's value as a label, its own distributions shown by name: exponential_decay(decay_rate=~log_normal).
std::string template_label(const Json& t) {
  std::function<Json(const Json&)> named = [&](const Json& j) -> Json {
    if (is_distribution(j)) return "~" + j["distribution"].get<std::string>();
    if (j.is_object()) {
      Json out = Json::object();
      for (const auto& [k, v] : j.items()) out[k] = named(v);
      return out;
    }
    if (j.is_array()) {
      Json out = Json::array();
      for (const auto& v : j) out.push_back(named(v));
      return out;
    }
    return j;
  };
  return value_label(named(t));
}

// A choice's value in a condition: a component by its type alone when no other value has that type.
std::string choice_label(const Json& choices, std::size_t index) {
  const Json& v = choices[index];
  if (!v.is_object() || !v.contains("type") || !v["type"].is_string()) return template_label(v);
  std::size_t same = 0;
  for (const auto& c : choices) same += c.is_object() && c.value("type", Json()) == v["type"];
  return same == 1 ? v["type"].get<std::string>() : template_label(v);
}

std::string dotted(const std::string& key, const std::string& pointer) {
  std::string s = key;
  for (char ch : pointer) s += ch == '/' ? '.' : ch;
  return s;
}

void walk(const Json& node, const std::string& key, const std::string& pointer,
          const std::vector<SearchedParameter::Condition>& conditions, std::vector<SearchedParameter>& out) {
  if (!is_distribution(node)) {
    if (node.is_object())
      for (const auto& [k, v] : node.items()) walk(v, key, pointer + "/" + k, conditions, out);
    else if (node.is_array())
      for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], key, pointer + "/" + std::to_string(i), conditions, out);
    return;
  }
  SearchedParameter p;
  p.key = key;
  p.pointer = pointer;
  p.conditions = conditions;
  p.distribution = node["distribution"].is_string() ? node["distribution"].get<std::string>() : "";
  p.log_scale = p.distribution.starts_with("log_");
  if (node.contains("low") && node["low"].is_number()) p.low = node["low"].get<double>();
  if (node.contains("high") && node["high"].is_number()) p.high = node["high"].get<double>();
  if (p.distribution.ends_with("int_uniform") && std::isfinite(p.high)) p.high += 1;  // the integers of [low, high + 1)
  p.label = dotted(key, pointer);
  for (std::size_t i = 0; i < conditions.size(); ++i)
    p.label += std::string(i ? ", " : " | ") + dotted(conditions[i].key, conditions[i].pointer) + "=" +
               choice_label(conditions[i].choices, conditions[i].index);
  if (p.distribution == "choice" && node.contains("values") && node["values"].is_array()) {
    p.choices = node["values"];
    out.push_back(p);
    for (std::size_t i = 0; i < p.choices.size(); ++i) {
      auto inner = conditions;
      inner.push_back({key, pointer, i, p.choices});
      walk(p.choices[i], key, pointer, inner, out);
    }
    return;
  }
  out.push_back(std::move(p));
}

bool matches(const Json& t, const Json& v) {
  if (is_distribution(t)) return true;
  if (t.is_object()) {
    if (!v.is_object() || v.size() != t.size()) return false;
    for (const auto& [k, x] : t.items())
      if (!v.contains(k) || !matches(x, v[k])) return false;
    return true;
  }
  if (t.is_array()) {
    if (!v.is_array() || v.size() != t.size()) return false;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (!matches(t[i], v[i])) return false;
    return true;
  }
  return t == v;
}

// The value at `pointer` inside grid[key]; null when absent.
Json value_at(const Json& grid, const std::string& key, const std::string& pointer) {
  if (!grid.contains(key)) return nullptr;
  const Json& v = grid[key];
  if (pointer.empty()) return v;
  const Json::json_pointer p(pointer);
  return v.contains(p) ? v[p] : Json();
}

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", x);
  return buf;
}

struct Configuration {
  Json grid;
  double value;  // the mean over its repeats
};

// (value, configuration's mean) of the configurations that drew parameter `p`.
std::vector<std::pair<Json, double>> drawn_values(const SearchedParameter& p, const std::vector<Configuration>& configs) {
  std::vector<std::pair<Json, double>> drawn;
  for (const auto& c : configs) {
    bool chosen = true;
    for (const auto& cond : p.conditions)
      chosen = chosen && choice_index(cond.choices, value_at(c.grid, cond.key, cond.pointer)) == cond.index;
    if (!chosen) continue;
    Json v = value_at(c.grid, p.key, p.pointer);
    if (!v.is_null()) drawn.emplace_back(std::move(v), c.value);
  }
  return drawn;
}

// The regions of one parameter, over the configurations that drew it.
std::vector<Region> regions_of(const SearchedParameter& p, const std::vector<Configuration>& configs, bool maximize, int bins) {
  struct Bin {
    std::string label;
    double lo = NAN, hi = NAN;
    std::vector<double> values;
  };
  std::vector<Bin> out;
  const auto drawn = drawn_values(p, configs);
  if (p.distribution == "choice") {
    out.resize(p.choices.size());
    for (std::size_t i = 0; i < p.choices.size(); ++i) out[i].label = template_label(p.choices[i]);
    for (const auto& [v, m] : drawn)
      if (const std::size_t i = choice_index(p.choices, v); i < out.size()) out[i].values.push_back(m);
  } else {
    std::map<double, Json> distinct;  // each value as drawn (an integer stays one)
    for (const auto& [v, m] : drawn)
      if (v.is_number()) distinct.emplace(v.get<double>(), v);
    if (distinct.empty()) return {};
    if (static_cast<int>(distinct.size()) <= bins) {
      for (const auto& [x, as_drawn] : distinct) {
        Bin b;
        b.label = as_drawn.dump();
        for (const auto& [v, m] : drawn)
          if (v.is_number() && v.get<double>() == x) b.values.push_back(m);
        out.push_back(std::move(b));
      }
    } else {
      const double lo = std::isfinite(p.low) ? p.low : distinct.begin()->first;
      const double hi = std::isfinite(p.high) ? p.high : distinct.rbegin()->first;
      const bool log = p.log_scale && lo > 0;
      const auto t = [&](double x) { return log ? std::log10(x) : x; };
      const auto inv = [&](double y) { return log ? std::pow(10.0, y) : y; };
      const double width = (t(hi) - t(lo)) / bins;
      out.resize(static_cast<std::size_t>(bins));
      for (int k = 0; k < bins; ++k) {
        Bin& b = out[static_cast<std::size_t>(k)];
        b.lo = inv(t(lo) + k * width);
        b.hi = k + 1 == bins ? hi : inv(t(lo) + (k + 1) * width);
        b.label = "[" + short_number(b.lo) + ", " + short_number(b.hi) + (k + 1 == bins ? "]" : ")");
        if (p.distribution.ends_with("int_uniform")) {  // the integers in [lo, hi): "3..5"
          const auto first = static_cast<long long>(std::ceil(b.lo)), last = static_cast<long long>(std::ceil(b.hi)) - 1;
          b.label = first == last ? std::to_string(first) : std::to_string(first) + ".." + std::to_string(last);
        }
      }
      for (const auto& [v, m] : drawn) {
        if (!v.is_number()) continue;
        const double pos = width > 0 ? (t(v.get<double>()) - t(lo)) / width : 0.0;
        const int k = std::clamp(static_cast<int>(std::floor(pos)), 0, bins - 1);
        out[static_cast<std::size_t>(k)].values.push_back(m);
      }
    }
  }
  std::vector<Region> regions;
  for (const Bin& b : out) {
    Region r;
    r.parameter = p.label;
    r.region = b.label;
    r.lo = b.lo;
    r.hi = b.hi;
    r.configurations = static_cast<std::int64_t>(b.values.size());
    if (!b.values.empty()) {
      double sum = 0;
      r.best = b.values.front();
      for (double x : b.values) {
        sum += x;
        r.best = maximize ? std::max(r.best, x) : std::min(r.best, x);
      }
      r.mean = sum / static_cast<double>(b.values.size());
    }
    regions.push_back(std::move(r));
  }
  // The best region: the best mean among the regions of two configurations or more (any, if none).
  for (std::int64_t least : {2, 1}) {
    Region* best = nullptr;
    for (Region& r : regions)
      if (r.configurations >= least && (!best || (maximize ? r.mean > best->mean : r.mean < best->mean))) best = &r;
    if (best) {
      best->best_region = true;
      break;
    }
  }
  return regions;
}

}  // namespace

std::vector<SearchedParameter> searched_parameters(const Json& spec) {
  std::vector<SearchedParameter> out;
  if (!spec.is_object() || !spec.contains("search") || !spec["search"].is_object()) return out;
  const Json& space = spec["search"].value("space", Json::object());
  if (!space.is_object()) return out;
  for (const auto& [key, node] : space.items()) walk(node, key, "", {}, out);
  return out;
}

std::size_t choice_index(const Json& choices, const Json& value) {
  // Of the values the draw fits, the one with the fewest ranges: a value written out (0.7) beats
  // a range that holds it (uniform 0.5..0.99), which draws exactly 0.7 with probability 0.
  const std::function<std::size_t(const Json&)> ranges = [&](const Json& t) -> std::size_t {
    if (is_distribution(t)) return 1;
    std::size_t n = 0;
    if (t.is_object() || t.is_array())
      for (const auto& v : t) n += ranges(v);
    return n;
  };
  std::size_t best = choices.size();
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (matches(choices[i], value) && (best == choices.size() || ranges(choices[i]) < ranges(choices[best]))) best = i;
  return best;
}

namespace {

std::vector<SearchedParameter> parameters_of(const sqlite::Connection& c, const ExperimentChoice& ex) {
  sqlite::Statement s(c, "SELECT spec_json FROM experiments WHERE experiment_id=?1");
  s.bind(1, ex.id);
  if (!s.step()) return {};
  return searched_parameters(Json::parse(s.text(0), nullptr, false));
}

// Each configuration (a grid_json) with the mean of its repeats' finite values of `metric`.
std::vector<Configuration> configurations(const sqlite::Connection& c, const ExperimentChoice& ex, const std::string& metric,
                                          const std::string& where) {
  const auto values = metric_values(c, ex.id, metric);
  std::map<std::string, std::pair<double, int>> sums;
  std::vector<std::string> order;
  sqlite::Statement t(c, "SELECT trial_id, grid_json, trial_key FROM trials WHERE experiment_id=?1" +
                             (where.empty() ? std::string() : " AND (" + where + ")") + " ORDER BY trial_index");
  t.bind(1, ex.id);
  std::set<std::string> keys;
  while (t.step()) {
    if (!keys.insert(t.text(2)).second) continue;  // the same trial drawn twice: once (grouping.hpp)
    const auto it = values.find(t.int64(0));
    if (it == values.end() || !std::isfinite(it->second)) continue;
    auto [pos, fresh] = sums.try_emplace(t.text(1), 0.0, 0);
    if (fresh) order.push_back(t.text(1));
    pos->second.first += it->second;
    ++pos->second.second;
  }
  std::vector<Configuration> configs;
  for (const auto& g : order) configs.push_back({Json::parse(g), sums[g].first / sums[g].second});
  if (configs.empty())
    throw SpecError("", "no trial of experiment \"" + ex.name + "\"" + (where.empty() ? "" : " that --where keeps") +
                            " has a value of " + metric + " (all failed or diverged, or the task does not report it)");
  return configs;
}

}  // namespace

std::vector<Region> search_regions(const sqlite::Connection& c, const ExperimentChoice& ex, const std::string& metric,
                                   bool maximize, int bins, const std::string& where) {
  const auto parameters = parameters_of(c, ex);
  if (parameters.empty()) return {};
  const auto configs = configurations(c, ex, metric, where);
  std::vector<Region> out;
  for (const auto& p : parameters)
    for (auto& r : regions_of(p, configs, maximize, bins)) out.push_back(std::move(r));
  return out;
}

std::vector<Panel> search_panels(const sqlite::Connection& c, const ExperimentChoice& ex, const std::string& metric,
                                 bool maximize, int bins) {
  const auto parameters = parameters_of(c, ex);
  if (parameters.empty()) return {};
  const auto configs = configurations(c, ex, metric, "");
  std::vector<Panel> panels;
  for (const auto& p : parameters) {
    if (p.distribution == "choice") continue;  // categories: summary's regions show them
    const auto drawn = drawn_values(p, configs);
    Curve all{"configurations", {}, {}, {}, {}, true}, best{"best configuration", {}, {}, {}, {}, true};
    for (const auto& [v, m] : drawn) {
      if (!v.is_number()) continue;
      const double x = v.get<double>();
      all.x.push_back(x), all.mean.push_back(m), all.low.push_back(m), all.high.push_back(m);
      if (best.x.empty() || (maximize ? m > best.mean[0] : m < best.mean[0])) best.x = {x}, best.mean = best.low = best.high = {m};
    }
    if (all.x.empty()) continue;
    Panel panel;
    panel.title = p.label;
    panel.x_label = p.label + (p.log_scale ? " (log scale)" : "");
    panel.y_label = metric;
    panel.log_x = p.log_scale && std::all_of(all.x.begin(), all.x.end(), [](double x) { return x > 0; });
    panel.curves.push_back(std::move(all));
    // The best region: its configurations' mean, drawn across the region (a mark for a single value).
    for (const Region& r : regions_of(p, configs, maximize, bins)) {
      if (!r.best_region) continue;
      Curve region{"best region (its mean)", {}, {}, {}, {}, !std::isfinite(r.lo)};
      const double lo = std::isfinite(r.lo) ? r.lo : std::stod(r.region), hi = std::isfinite(r.hi) ? r.hi : lo;
      region.x = lo == hi ? std::vector<double>{lo} : std::vector<double>{lo, hi};
      region.mean = region.low = region.high = std::vector<double>(region.x.size(), r.mean);
      panel.curves.push_back(std::move(region));
    }
    panel.curves.push_back(std::move(best));
    panel.log_y = wants_log_y(panel);
    panels.push_back(std::move(panel));
  }
  return panels;
}

Table regions_table(const std::vector<Region>& regions, bool for_people) {
  Table t;
  t.columns = {"parameter", "region", "low", "high", "configurations", "mean", "best", "best_region"};
  const auto num = [](double x) { return std::isfinite(x) ? Cell(x) : Cell(); };
  for (const auto& r : regions) {
    const Cell mark = for_people ? Cell(std::string(r.best_region ? "<- best" : "")) : Cell(std::int64_t{r.best_region});
    t.rows.push_back({r.parameter, r.region, num(r.lo), num(r.hi), r.configurations, num(r.mean), num(r.best), mark});
  }
  if (for_people)  // the exact bounds are for machines; people read the region
    for (auto& row : t.rows) row.erase(row.begin() + 2, row.begin() + 4);
  if (for_people) t.columns.erase(t.columns.begin() + 2, t.columns.begin() + 4);
  return t;
}

}  // namespace lrlab::analysis
