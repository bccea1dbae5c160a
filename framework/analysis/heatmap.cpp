#include "lrlab/analysis/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/summary_metrics.hpp"
#include "lrlab/analysis/table.hpp"
#include "lrlab/errors.hpp"

namespace lrlab::analysis {
namespace fs = std::filesystem;
namespace {

// The distinct values of one axis as labels, numbers in increasing order, anything else in the
// order the trials first show it.
std::vector<std::string> axis_values(const std::vector<Json>& seen) {
  std::vector<Json> distinct;
  for (const auto& v : seen)
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  if (std::all_of(distinct.begin(), distinct.end(), [](const Json& v) { return v.is_number(); }))
    std::stable_sort(distinct.begin(), distinct.end(),
                     [](const Json& a, const Json& b) { return a.get<double>() < b.get<double>(); });
  std::vector<std::string> labels;
  for (const auto& v : distinct) labels.push_back(value_label(v));
  return labels;
}

std::size_t position(const std::vector<std::string>& labels, const std::string& label) {
  return static_cast<std::size_t>(std::find(labels.begin(), labels.end(), label) - labels.begin());
}

// `value` as an SQL literal for a --where example ("" for an object or a list).
std::string sql_literal(const Json& value) {
  if (value.is_number() || value.is_boolean()) return value.dump();
  if (!value.is_string()) return "";
  std::string q = "'";
  for (char ch : value.get<std::string>()) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

}  // namespace

Heatmap heatmap(const sqlite::Connection& c, const ExperimentChoice& ex, const HeatmapRequest& r) {
  check_config_paths(c, ex.id, {r.x, r.y}, "--heatmap");
  if (r.x == r.y) throw SpecError("", "--heatmap needs two different paths; received " + r.x + " twice");
  if (r.y.starts_with(r.x + ".") || r.x.starts_with(r.y + "."))
    throw SpecError("", "--heatmap needs two separate paths, and " + (r.y.starts_with(r.x + ".") ? r.y + " lies inside " + r.x
                                                                                                  : r.x + " lies inside " + r.y));
  const Grouping by_cell = group_selected_trials(c, ex.id, GroupingRequest{{r.x, r.y}, {}, r.where});
  const Grouping natural = group_selected_trials(c, ex.id, GroupingRequest{{}, {}, r.where});
  if (by_cell.groups.empty()) throw SpecError("", "no trials to draw" + (r.where.empty() ? "" : " (--where " + r.where + ")"));
  for (const auto& g : by_cell.groups)
    for (std::size_t k = 0; k < 2; ++k)
      if (g.values[k].is_object() || g.values[k].is_array())
        throw SpecError("", "a heatmap axis takes numbers or names, and " + (k ? r.y : r.x) + " holds " +
                                (g.values[k].is_object() ? "objects" : "lists") + " (" + g.labels[k] +
                                "): choose a path inside it, such as " + (k ? r.y : r.x) + ".type");
  if (natural.groups.size() != by_cell.groups.size()) {
    // A cell would mix configurations: name what else varies, and how to pick one value of it.
    std::string others, example;
    for (std::size_t k = 0; k < natural.label_columns.size(); ++k) {
      const std::string& col = natural.label_columns[k];
      if (col == r.x || col == r.y) continue;
      const bool holds_axis = r.x.starts_with(col + ".") || r.y.starts_with(col + ".");
      others += (others.empty() ? "" : ", ") + col + (holds_axis ? " (beyond the axis inside it)" : "");
      const std::string literal = holds_axis ? "" : sql_literal(natural.groups.front().values[k]);
      if (example.empty() && !literal.empty())
        example = " (for example --where \"json_extract(config_json, '$." + col + "') = " + literal + "\")";
    }
    throw SpecError("", "a heatmap cell must be one configuration, but besides " + r.x + " and " + r.y + " the trials differ in " +
                            (others.empty() ? std::string("other configuration values") : others) +
                            ": choose one value of each with --where" + example);
  }
  const auto values = metric_values(c, ex.id, r.metric);

  Heatmap h;
  h.x_path = r.x;
  h.y_path = r.y;
  h.metric = r.metric;
  h.maximize = r.maximize;
  std::vector<Json> xs, ys;
  for (const auto& g : by_cell.groups) xs.push_back(g.values[0]), ys.push_back(g.values[1]);
  h.x_values = axis_values(xs);
  h.y_values = axis_values(ys);
  for (const auto& g : by_cell.groups) {
    HeatmapCell cell;
    cell.x = position(h.x_values, g.labels[0]);
    cell.y = position(h.y_values, g.labels[1]);
    double sum = 0.0;
    std::set<std::string> statuses;
    for (const auto& t : g.trials) {
      ++cell.repeats;
      // A trial that did not run its course (diverged, failed, pruned) has no value here, even
      // where it stored one from before it stopped: a mean must not pass it off as a result.
      const bool ran = t.status == "completed" || t.status == "stopped_early";
      const auto it = values.find(t.trial_id);
      if (!ran || it == values.end() || !std::isfinite(it->second)) {
        ++cell.missing;
        statuses.insert(t.status);
        continue;
      }
      sum += it->second;
    }
    const std::int64_t with_value = cell.repeats - cell.missing;
    cell.mean = with_value > 0 ? sum / static_cast<double>(with_value) : NAN;
    if (with_value == 0)
      for (const auto& s : statuses) cell.why_missing += (cell.why_missing.empty() ? "" : "/") + s;
    h.cells.push_back(cell);
  }
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t i = 0; i < h.cells.size(); ++i) {
    const auto& cell = h.cells[i];
    if (!std::isfinite(cell.mean)) continue;
    lo = std::min(lo, cell.mean), hi = std::max(hi, cell.mean);
    if (cell.missing > 0) continue;
    const bool better = !h.best || (r.maximize ? cell.mean > h.cells[*h.best].mean : cell.mean < h.cells[*h.best].mean);
    if (better) h.best = i;
  }
  if (!std::isfinite(lo))
    throw SpecError("", "no finished trial of experiment \"" + ex.name + "\" has a value of " + r.metric +
                            " to draw (summary --metric lists the metrics there are)");
  h.log_colour = lo > 0 && hi / lo > 30.0;
  std::int64_t repeats = 0;
  for (const auto& cell : h.cells) repeats = std::max(repeats, cell.repeats);
  h.title = ex.name + ": mean " + r.metric + " over " + std::to_string(repeats) + (repeats == 1 ? " repeat" : " repeats") +
            (r.maximize ? " (higher is better)" : " (lower is better)");
  h.title = title_with_where(h.title, r.where);
  return h;
}

void draw_heatmap(const Heatmap& h, const fs::path& out) {
  if (h.cells.empty()) throw SpecError("", "nothing to draw");
  double lo = INFINITY, hi = -INFINITY;
  bool partial = false;
  for (const auto& cell : h.cells) {
    if (std::isfinite(cell.mean)) lo = std::min(lo, cell.mean), hi = std::max(hi, cell.mean);
    partial = partial || (cell.missing > 0 && std::isfinite(cell.mean));
  }
  const auto nx = static_cast<int>(h.x_values.size()), ny = static_cast<int>(h.y_values.size());
  render_with_gnuplot(out, [&](const fs::path& file, bool svg, const fs::path& dir) {
    std::string footnote = h.best ? "outlined: the best cell with every repeat" : "no cell has every repeat";
    if (partial) footnote += "; +: some repeats did not finish (diverged, failed or pruned), the mean is over the rest";
    std::size_t longest = 0;
    for (const auto& v : h.x_values) longest = std::max(longest, v.size());
    const bool slanted = longest > 10;  // long names would run into each other
    const int width = std::max({640, 260 + 95 * nx, 60 + 10 * static_cast<int>(h.title.size()),  // the title in its 13-point font
                                40 + 7 * static_cast<int>(footnote.size())});
    const int height = std::max(420, 190 + 48 * ny + (slanted ? 6 * static_cast<int>(longest) : 0));
    std::ostringstream g;
    g << (svg ? "set terminal svg size " + std::to_string(width) + "," + std::to_string(height) + " fixed noenhanced font 'sans,12' background rgb 'white'\n"
              : "set terminal pngcairo size " + std::to_string(width) + "," + std::to_string(height) + " noenhanced font 'sans,12' background rgb 'white'\n")
      << "set output " << gnuplot_quoted(file.string()) << "\ncd " << gnuplot_quoted(dir.string()) << "\n"  // data by name (see gnuplot.cpp)
      << "set label 2 " << gnuplot_quoted(h.title) << " at screen 0.5, screen 0.95 center font ',13'\nset tmargin 4\n"
      << "set xlabel " << gnuplot_quoted(h.x_path) << "\nset ylabel " << gnuplot_quoted(h.y_path) << "\n"
      << "set xrange [-0.5:" << nx - 0.5 << "]\nset yrange [-0.5:" << ny - 0.5 << "]\n"
      << "set border lc rgb '#555555'\nunset key\nset tics scale 0\nset rmargin 16\n"
      << "set bmargin " << (slanted ? 6 + static_cast<int>(longest) / 2 : 6) << "\n"
      << (slanted ? "set xtics rotate by -30\n" : "");
    auto tics = [&](const char* axis, const std::vector<std::string>& labels) {
      g << "set " << axis << " (";
      for (std::size_t i = 0; i < labels.size(); ++i) g << (i ? ", " : "") << gnuplot_quoted(labels[i]) << " " << i;
      g << ")\n";
    };
    tics("xtics", h.x_values);
    tics("ytics", h.y_values);
    // viridis, dark to light
    g << "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', 1 '#fde725')\n"
      << "set cblabel " << gnuplot_quoted("mean " + h.metric) << " offset 2\n";
    // One value alone has no scale to show: its cell says it.
    if (hi > lo) g << "set cbrange [" << exact(lo) << ":" << exact(hi) << "]\n";
    else g << "set cbrange [" << exact(lo - 1) << ":" << exact(lo + 1) << "]\nunset colorbox\n";
    if (h.log_colour) g << "set logscale cb\nset format cb '%.0e'\n";
    g << "set label 1 " << gnuplot_quoted(footnote) << " at screen 0.02, screen 0.03 font ',11'\n";

    std::ofstream cells(dir / "cells.dat"), grey(dir / "grey.dat"), light(dir / "light.dat"), dark(dir / "dark.dat"),
        best(dir / "best.dat");
    bool any_cells = false, any_grey = false, any_light = false, any_dark = false;
    for (std::size_t i = 0; i < h.cells.size(); ++i) {
      const auto& cell = h.cells[i];
      const std::string at = std::to_string(cell.x) + " " + std::to_string(cell.y) + " ";
      if (!std::isfinite(cell.mean)) {
        grey << at << "\n";
        dark << at << '"' << (cell.why_missing.empty() ? "no value" : cell.why_missing) << "\"\n";
        any_grey = any_dark = true;
        continue;
      }
      cells << at << exact(cell.mean) << "\n";
      any_cells = true;
      // Where the colour lies on the palette: light text on its dark half.
      const double f = hi > lo ? (h.log_colour ? std::log(cell.mean / lo) / std::log(hi / lo) : (cell.mean - lo) / (hi - lo)) : 0.5;
      const std::string text = short_number(cell.mean) + (cell.missing > 0 ? "+" : "");
      (f < 0.55 ? light : dark) << at << '"' << text << "\"\n";
      (f < 0.55 ? any_light : any_dark) = true;
    }
    if (h.best) best << h.cells[*h.best].x << " " << h.cells[*h.best].y << "\n";
    cells.close(), grey.close(), light.close(), dark.close(), best.close();
    std::vector<std::string> layers;
    auto file_of = [&](const char* name) { return gnuplot_quoted(name); };
    if (any_cells) layers.push_back(file_of("cells.dat") + " using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette");
    if (any_grey) layers.push_back(file_of("grey.dat") + " using 1:2:(0.5):(0.5) with boxxyerror fs solid 1.0 noborder fc rgb '#c8c8c8'");
    if (h.best) layers.push_back(file_of("best.dat") + " using 1:2:(0.47):(0.47) with boxxyerror fs empty border lc rgb '#e8340c' lc rgb '#e8340c' lw 4");
    if (any_light) layers.push_back(file_of("light.dat") + " using 1:2:3 with labels tc rgb '#ffffff' font ',11'");
    if (any_dark) layers.push_back(file_of("dark.dat") + " using 1:2:3 with labels tc rgb '#000000' font ',11'");
    g << "plot ";
    for (std::size_t i = 0; i < layers.size(); ++i) g << (i ? ", \\\n     " : "") << layers[i];
    g << "\nset output\n";
    return g.str();
  });
}

}  // namespace lrlab::analysis
