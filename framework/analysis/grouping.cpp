#include "lrlab/analysis/grouping.hpp"

#include <map>
#include <sstream>

#include "lrlab/json.hpp"

namespace lrlab::analysis {
namespace {

// A JSON value as a label people can read in a table or a legend: strings bare, a component
// {"type": "warmup", "steps": 46, ...} as warmup(steps=46, ...), lists as [a, b], numbers as JSON.
std::string label(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + label(v[i]);
    return s + "]";
  }
  if (v.is_object()) {
    const bool component = v.contains("type") && v["type"].is_string();
    std::string s = component ? v["type"].get<std::string>() : "";
    std::string args;
    for (const auto& [k, x] : v.items())
      if (!(component && k == "type")) args += (args.empty() ? "" : ", ") + k + "=" + label(x);
    return component && args.empty() ? s : s + (component ? "(" : "{") + args + (component ? ")" : "}");
  }
  return v.dump();
}

// The value at a dotted path ("schedule.type", "policies.0.factor"); null when absent.
Json at_path(const Json& doc, const std::string& path) {
  const Json* cur = &doc;
  std::istringstream in(path);
  std::string part;
  while (std::getline(in, part, '.')) {
    if (cur->is_object() && cur->contains(part)) cur = &(*cur)[part];
    else if (cur->is_array() && !part.empty() && part.find_first_not_of("0123456789") == std::string::npos &&
             std::stoul(part) < cur->size()) cur = &(*cur)[std::stoul(part)];
    else return nullptr;
  }
  return *cur;
}

}  // namespace

std::string Grouping::name(const TrialGroup& g) const {
  std::string s;
  for (std::size_t k = 0; k < g.labels.size(); ++k) s += (k ? ", " : "") + label_columns[k] + "=" + g.labels[k];
  return s;
}

Grouping group_trials(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& by) {
  Grouping out;
  out.label_columns = by;
  std::map<std::string, std::size_t> index;  // group key -> position in out.groups
  sqlite::Statement s(c, "SELECT trial_id, repeat, status, config_json, grid_json FROM trials "
                         "WHERE experiment_id = ?1 ORDER BY trial_index");
  s.bind(1, experiment);
  while (s.step()) {
    std::vector<std::string> labels;
    std::string key;
    if (!by.empty()) {
      const Json config = Json::parse(s.text(3));
      for (const auto& p : by) labels.push_back(label(at_path(config, p)));
      for (const auto& l : labels) key += l + '\x1f';
    } else {
      key = s.text(3);  // everything but the repeat; its grid point names it for people
      const Json grid = Json::parse(s.text(4));
      if (out.label_columns.empty())
        for (const auto& [k, v] : grid.items()) out.label_columns.push_back(k);
      for (const auto& [k, v] : grid.items()) labels.push_back(label(v));
      if (out.label_columns.empty()) out.label_columns.push_back("configuration");
      if (labels.empty()) labels.push_back("(all trials)");
    }
    auto [it, fresh] = index.emplace(key, out.groups.size());
    if (fresh) out.groups.push_back(TrialGroup{labels, {}});
    out.groups[it->second].trials.push_back({s.int64(0), s.int64(1), s.text(2)});
  }
  return out;
}

}  // namespace lrlab::analysis
