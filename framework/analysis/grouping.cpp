#include "lrlab/analysis/grouping.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/errors.hpp"
#include "lrlab/json.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab::analysis {

std::string value_label(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + value_label(v[i]);
    return s + "]";
  }
  if (v.is_object()) {
    const bool component = v.contains("type") && v["type"].is_string();
    std::string s = component ? v["type"].get<std::string>() : "";
    std::string args;
    for (const auto& [k, x] : v.items())
      if (!(component && k == "type")) args += (args.empty() ? "" : ", ") + k + "=" + value_label(x);
    return component && args.empty() ? s : s + (component ? "(" : "{") + args + (component ? ")" : "}");
  }
  return v.dump();
}

namespace {

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

void collect_paths(const Json& v, const std::string& prefix, std::set<std::string>& out) {
  if (!prefix.empty()) out.insert(prefix);
  const std::string dot = prefix.empty() ? "" : prefix + ".";
  if (v.is_object())
    for (const auto& [k, x] : v.items()) collect_paths(x, dot + k, out);
  else if (v.is_array())
    for (std::size_t i = 0; i < v.size(); ++i) collect_paths(v[i], dot + std::to_string(i), out);
}

}  // namespace

namespace {

// The part of `v` that differs among `all` (one column's values across the groups): of objects,
// the keys whose values differ, recursively, and "type"; anything else whole.
Json varying_part(const Json& v, const std::vector<const Json*>& all) {
  const bool objects = v.is_object() && std::all_of(all.begin(), all.end(), [](const Json* o) { return o->is_object(); });
  if (!objects) return v;
  Json out = Json::object();
  for (const auto& [k, x] : v.items()) {
    std::vector<const Json*> at;
    static const Json null_value;
    for (const Json* o : all) at.push_back(o->contains(k) ? &(*o)[k] : &null_value);
    const Json& value = x;  // a structured binding cannot be captured in C++20 (clang refuses it)
    const bool differs = std::any_of(at.begin(), at.end(), [&](const Json* y) { return *y != value; });
    if (k == "type" && x.is_string()) out[k] = x;
    else if (differs) out[k] = varying_part(x, at);
  }
  return out;
}

}  // namespace

std::vector<std::string> Grouping::legend_names() const {
  std::vector<std::string> out;
  if (groups.size() < 2) {
    for (const auto& g : groups) out.push_back(name(g));
    return out;
  }
  std::vector<std::string> parts(groups.size());
  for (std::size_t k = 0; k < label_columns.size(); ++k) {
    std::vector<const Json*> column;
    for (const auto& g : groups) column.push_back(&g.values[k]);
    if (std::all_of(column.begin(), column.end(), [&](const Json* v) { return *v == *column.front(); })) continue;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (groups[i].values[k].is_null() && groups[i].labels[k] == "-") continue;  // a case without it
      parts[i] += (parts[i].empty() ? "" : ", ") + label_columns[k] + "=" + value_label(varying_part(groups[i].values[k], column));
    }
  }
  for (std::size_t i = 0; i < groups.size(); ++i) out.push_back(parts[i].empty() ? name(groups[i]) : parts[i]);
  return out;
}

std::string Grouping::name(const TrialGroup& g) const {
  std::string s;
  for (std::size_t k = 0; k < g.labels.size(); ++k)
    if (g.labels[k] != "-") s += (s.empty() ? "" : ", ") + label_columns[k] + "=" + g.labels[k];  // "-": a case without it
  return s.empty() && !g.labels.empty() ? g.labels[0] : s;
}

Grouping group_trials(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& by) {
  return group_selected_trials(c, experiment, GroupingRequest{by, {}, ""});
}

Grouping group_selected_trials(const sqlite::Connection& c, std::int64_t experiment, const GroupingRequest& r) {
  const auto& by = r.by;
  Grouping out;
  out.label_columns = by;
  out.within_columns = r.within;
  if (!r.where.empty()) check_where(c, r.where);
  std::map<std::string, std::size_t> index;  // group key -> position in out.groups
  // The condition runs as a subquery on this read-only connection: it can filter, never write.
  sqlite::Statement s(c, "SELECT trial_id, repeat, status, config_json, grid_json, trial_key, steps_done FROM trials "
                         "WHERE experiment_id = ?1" +
                             (r.where.empty() ? std::string() : " AND trial_id IN (SELECT trial_id FROM trials WHERE (" + r.where + "))") +
                             " ORDER BY trial_index");
  s.bind(1, experiment);
  std::vector<Json> grids;  // each group's grid point, for its labels (without `by`)
  std::set<std::string> keys;
  while (s.step()) {
    // A trial with the key of an earlier one (a search that drew one configuration twice, two
    // equal cases) is the same computation, bit for bit: counted once, or it would pose as evidence.
    if (!keys.insert(s.text(5)).second) continue;
    std::vector<std::string> labels, within;
    std::vector<Json> values;
    std::string key;
    const Json config = Json::parse(s.text(3));
    for (const auto& p : r.within) within.push_back(value_label(at_path(config, p)));
    for (const auto& l : within) key += l + '\x1e';
    if (!by.empty()) {
      for (const auto& p : by) values.push_back(at_path(config, p));
      for (const auto& v : values) labels.push_back(value_label(v));
      for (const auto& l : labels) key += l + '\x1f';
    } else {
      key += s.text(3);  // everything but the repeat; its grid point names it for people
    }
    auto [it, fresh] = index.emplace(key, out.groups.size());
    if (fresh) {
      out.groups.push_back(TrialGroup{labels, values, within, {}});
      if (by.empty()) grids.push_back(Json::parse(s.text(4)));
    }
    out.groups[it->second].trials.push_back({s.int64(0), s.int64(1), s.text(2), s.int64(6)});
  }
  if (by.empty()) {
    // One column per path any grid point sets, in the order they first appear: cases may set
    // different paths, and a point without a column's path shows "-".
    for (const Json& grid : grids)
      for (const auto& [k, v] : grid.items())
        if (std::find(out.label_columns.begin(), out.label_columns.end(), k) == out.label_columns.end())
          out.label_columns.push_back(k);
    for (std::size_t g = 0; g < out.groups.size(); ++g) {
      auto& labels = out.groups[g].labels;
      auto& values = out.groups[g].values;
      for (const auto& column : out.label_columns) {
        values.push_back(grids[g].contains(column) ? grids[g][column] : Json());
        labels.push_back(grids[g].contains(column) ? value_label(grids[g][column]) : "-");
      }
      if (labels.empty()) {
        labels.push_back("(all trials)");
        values.push_back("(all trials)");
      }
    }
    if (out.label_columns.empty()) out.label_columns.push_back("configuration");
  }
  return out;
}

std::vector<std::string> config_paths(const sqlite::Connection& c, std::int64_t experiment) {
  std::set<std::string> paths;
  sqlite::Statement s(c, "SELECT DISTINCT config_json FROM trials WHERE experiment_id = ?1");
  s.bind(1, experiment);
  while (s.step()) collect_paths(Json::parse(s.text(0)), "", paths);
  return {paths.begin(), paths.end()};
}

void check_config_paths(const sqlite::Connection& c, std::int64_t experiment, const std::vector<std::string>& paths,
                        const std::string& option) {
  if (paths.empty()) return;
  const std::vector<std::string> known = config_paths(c, experiment);
  const std::set<std::string> have(known.begin(), known.end());
  for (const auto& p : paths) {
    if (have.count(p) || known.empty()) continue;
    throw SpecError("", option + " \"" + p + "\": no trial's configuration has this path" + did_you_mean(p, known));
  }
}

void check_where(const sqlite::Connection& c, const std::string& condition) {
  const std::string sql = "SELECT trial_id FROM trials WHERE (" + condition + ")";
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(c.handle(), sql.c_str(), -1, &stmt, &tail);
  std::string rest = tail ? tail : "";
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK)
    throw SpecError("", "--where \"" + condition + "\" is not a condition on the trials table: " + sqlite3_errmsg(c.handle()));
  for (char ch : rest)
    if (!std::isspace(static_cast<unsigned char>(ch)))
      throw SpecError("", "--where \"" + condition + "\" must be one condition on the trials table, not several statements");
}

}  // namespace lrlab::analysis
