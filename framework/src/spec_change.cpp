#include "lrlab/spec_change.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "lrlab/pbt.hpp"
#include "lrlab/store.hpp"

namespace lrlab {
namespace {

constexpr const char* absent = "(absent)";

// A value as one short line: long objects (a whole task) are cut, the pointer says where.
std::string shown(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

bool pruned_or_pbt(const Json& spec) {
  if (!spec.is_object()) return false;
  const bool pruner = spec.contains("pruner") && spec["pruner"].is_object() && !spec["pruner"].empty();
  return pruner || (spec.contains("search") && is_pbt(spec["search"]));
}

bool only_text(const std::vector<SpecDifference>& diffs) {
  for (const auto& d : diffs)
    if (d.pointer != "/description") return false;
  return true;
}

}  // namespace

namespace {

std::string escaped(const std::string& key) {  // RFC 6901: '~' as ~0, '/' as ~1
  std::string out;
  for (char ch : key) out += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
  return out;
}

void differences(const Json& a, const Json& b, const std::string& at, std::vector<SpecDifference>& out);

// Arrays aligned on their longest common subsequence of equal elements, so that a value inserted
// into a grid list reads as one addition ("/grid/schedule/1: (absent) -> {...}") rather than as
// every later element changed. Between two matches, removed and added elements pair up in order
// (a value edited in place) and are compared inside; the rest are removals (at their old index)
// and additions (at their new one).
void array_differences(const Json& a, const Json& b, const std::string& at, std::vector<SpecDifference>& out) {
  const std::size_t n = a.size(), m = b.size();
  if (n * m > 1'000'000) {  // too long to align: position by position
    for (std::size_t i = 0; i < std::max(n, m); ++i)
      differences(i < n ? a[i] : Json(), i < m ? b[i] : Json(), at + "/" + std::to_string(i), out);
    return;
  }
  std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;) lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::size_t i = 0, j = 0;
  const auto gap = [&](std::size_t i_end, std::size_t j_end) {
    for (; i < i_end && j < j_end; ++i, ++j) differences(a[i], b[j], at + "/" + std::to_string(j), out);
    for (; i < i_end; ++i) out.push_back({at + "/" + std::to_string(i), shown(a[i]), absent});
    for (; j < j_end; ++j) out.push_back({at + "/" + std::to_string(j), absent, shown(b[j])});
  };
  std::size_t gi = 0, gj = 0;  // the start of the current gap
  for (std::size_t x = 0, y = 0; x < n && y < m;) {
    if (a[x] == b[y]) {
      i = gi, j = gj;
      gap(x, y);
      gi = ++x, gj = ++y;
    } else if (lcs[x + 1][y] >= lcs[x][y + 1]) {
      ++x;
    } else {
      ++y;
    }
  }
  i = gi, j = gj;
  gap(n, m);
}

void differences(const Json& a, const Json& b, const std::string& at, std::vector<SpecDifference>& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    for (const auto& [k, v] : a.items())
      if (b.contains(k)) differences(v, b[k], at + "/" + escaped(k), out);
      else out.push_back({at + "/" + escaped(k), shown(v), absent});
    for (const auto& [k, v] : b.items())
      if (!a.contains(k)) out.push_back({at + "/" + escaped(k), absent, shown(v)});
    return;
  }
  if (a.is_array() && b.is_array()) return array_differences(a, b, at, out);
  out.push_back({at.empty() ? "/" : at, a.is_null() && !b.is_null() ? absent : shown(a), b.is_null() && !a.is_null() ? absent : shown(b)});
}

}  // namespace

std::vector<SpecDifference> spec_differences(const Json& before, const Json& after) {
  std::vector<SpecDifference> out;
  differences(before, after, "", out);
  return out;
}

std::string spec_differences_text(const std::vector<SpecDifference>& diffs, std::size_t max_lines) {
  std::string s;
  for (std::size_t i = 0; i < diffs.size() && i < max_lines; ++i)
    s += "\n  " + diffs[i].pointer + ": " + diffs[i].before + " -> " + diffs[i].after;
  if (diffs.size() > max_lines) s += "\n  ... and " + std::to_string(diffs.size() - max_lines) + " more";
  return s;
}

SpecChange compare_spec(const sqlite::Connection& db, std::int64_t experiment_id, const std::string& stored_spec_json,
                        const Experiment& ex) {
  SpecChange c;
  const Json before = Json::parse(stored_spec_json, nullptr, false);
  const Json after = Json::parse(ex.spec_json);
  c.differences = spec_differences(before, after);

  // The stored rows by key, in trial_index order: a plan with a value written twice in a grid list
  // has two trials of one key, and each stored row is matched once.
  std::unordered_map<std::string, std::deque<StoredTrial>> stored;
  Store::each_trial(db, experiment_id, [&](const StoredTrial& row) {
    stored[row.trial_key].push_back(row);
    ++c.stored;
  });

  if ((pruned_or_pbt(before) || pruned_or_pbt(after)) && !only_text(c.differences)) {
    c.refusal = "a pruner's or population-based training's decisions were taken over every trial the experiment holds, "
                "so only its description may change";
    return c;
  }
  std::int64_t kept = 0;
  for (const TrialConfig& t : ex.trials) {
    const auto it = stored.find(t.key);
    if (it == stored.end() || it->second.empty()) {
      c.added.push_back(t.index);
      continue;
    }
    const StoredTrial row = it->second.front();
    it->second.pop_front();
    // The key says the configuration and seed are the plan's; a row edited by hand would say
    // otherwise, and is refused here, before anything is written.
    if (row.config_json != t->config_text || row.seed != static_cast<std::int64_t>(t.seed) || row.repeat != t.repeat) {
      c.refusal = "trial " + std::to_string(row.trial_id) + "'s row is not the trial its key names (edited by hand?)";
      c.kept.clear();
      c.added.clear();
      return c;
    }
    ++kept;
    c.kept.emplace_back(row.trial_id, t.index);
    if (row.trial_index != t.index) ++c.renumbered;
  }
  c.dropped = c.stored - kept;
  if (c.dropped > 0) {
    c.refusal = std::to_string(c.dropped) + " of the " + std::to_string(c.stored) +
                " trials it holds are not in the new plan (a trial is kept only when its resolved configuration and "
                "seed are unchanged)";
    c.kept.clear();
    c.added.clear();
    return c;
  }
  c.accepted = true;
  return c;
}

}  // namespace lrlab
