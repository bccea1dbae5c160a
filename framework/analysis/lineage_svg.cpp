#include "lrlab/analysis/lineage_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/analysis/html.hpp"
#include "lrlab/replay.hpp"
#include "lrlab/store.hpp"

namespace lrlab::analysis {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string short_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

std::string lineage_svg(const sqlite::Connection& c, std::int64_t experiment_id) {
  const std::vector<Store::LineageRow> rows = Store::lineage(c, experiment_id);
  if (rows.empty()) return "";
  std::int64_t generations = 0, members = 0;
  std::map<std::pair<std::int64_t, std::int64_t>, const Store::LineageRow*> at;  // (generation, member)
  for (const auto& r : rows) {
    generations = std::max(generations, r.generation + 1);
    members = std::max(members, r.member + 1);
    at[{r.generation, r.member}] = &r;
  }
  // The winner's lineage: each of its segments' trials from the step it began at to the step the
  // next one began at (a parent goes on after it was copied: its later nodes are not the winner's).
  std::vector<std::pair<std::int64_t, std::int64_t>> path;  // (trial_id, from_step), oldest first
  if (const std::int64_t w = pbt_winner(c, experiment_id))
    for (const Segment& seg : lineage_of(c, w)) path.emplace_back(seg.trial_id, seg.from_step);
  const auto on_path = [&](const Store::LineageRow& r) {
    for (std::size_t i = 0; i < path.size(); ++i)
      if (path[i].first == r.trial_id && r.step >= path[i].second && (i + 1 == path.size() || r.step < path[i + 1].second))
        return true;
    return false;
  };
  const double left = 90, top = 40, dx = 110, dy = 34;
  const auto x = [&](std::int64_t g) { return left + dx * static_cast<double>(g); };
  const auto y = [&](std::int64_t m) { return top + dy * static_cast<double>(m); };
  const double width = x(generations - 1) + 80, height = y(members - 1) + 40;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\"" << num(height) << "\" viewBox=\"0 0 "
    << num(width) << " " << num(height) << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  for (std::int64_t g = 0; g < generations; ++g) {
    const auto first = at.find({g, 0});
    const std::int64_t step = first == at.end() ? 0 : first->second->step;
    s << "<text x=\"" << num(x(g)) << "\" y=\"16\" text-anchor=\"middle\">gen " << g << " (step " << step << ")</text>\n";
  }
  for (std::int64_t m = 0; m < members; ++m)
    s << "<text x=\"8\" y=\"" << num(y(m) + 4) << "\">member " << m << "</text>\n";
  // Edges into generation g from generation g - 1.
  for (const auto& r : rows) {
    if (r.generation == 0) continue;
    std::int64_t from = r.member;
    if (r.parent_trial_id)
      for (std::int64_t m = 0; m < members; ++m)
        if (auto it = at.find({r.generation - 1, m}); it != at.end() && it->second->trial_id == *r.parent_trial_id) from = m;
    const auto prev = at.find({r.generation - 1, from});
    const bool bold = on_path(r) && prev != at.end() && on_path(*prev->second);
    const char* colour = r.parent_trial_id ? "#e07b00" : "#9aa5b1";
    s << "<path d=\"M" << num(x(r.generation - 1) + 9) << "," << num(y(from)) << " C" << num(x(r.generation) - dx / 2) << ","
      << num(y(from)) << " " << num(x(r.generation) - dx / 2) << "," << num(y(r.member)) << " " << num(x(r.generation) - 9) << ","
      << num(y(r.member)) << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << (bold ? 4 : 1.6) << "\"/>\n";
  }
  for (const auto& r : rows) {
    const bool bold = on_path(r);
    std::string title = "generation " + std::to_string(r.generation) + ", member " + std::to_string(r.member) + ": trial " +
                        std::to_string(r.trial_id) + " from step " + std::to_string(r.step) + ", " + r.values_json;
    if (r.value) title += "; metric at this step " + short_value(*r.value);
    if (r.parent_trial_id) title += "; copied trial " + std::to_string(*r.parent_trial_id);
    s << "<g><title>" << html_escape(title) << "</title><circle cx=\"" << num(x(r.generation)) << "\" cy=\"" << num(y(r.member))
      << "\" r=\"9\" fill=\"" << (r.parent_trial_id ? "#ffd8a8" : "#e8eef4") << "\" stroke=\"" << (bold ? "#1b7837" : "#555")
      << "\" stroke-width=\"" << (bold ? 3 : 1) << "\"/><text x=\"" << num(x(r.generation)) << "\" y=\"" << num(y(r.member) + 4)
      << "\" text-anchor=\"middle\" font-size=\"9\">" << r.trial_id << "</text></g>\n";
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace lrlab::analysis
