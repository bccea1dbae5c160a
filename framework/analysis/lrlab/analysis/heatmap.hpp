#pragma once
// A metric over two configuration paths: `lrlab plot DB --heatmap X,Y`, one cell per pair of
// values (target rate x warm-up length, rate x epsilon), its colour and its text the mean of the
// metric over the cell's repeats.
//
// Honest by construction: a cell is one configuration, so every other path must be the same in
// the trials drawn (else the heatmap is refused, naming the paths that vary and suggesting
// --where); a repeat that did not run its course (diverged, failed, pruned) has no value, even
// where it stored one from before it stopped, and is not averaged away: a cell none of whose
// repeats has a value is grey and says why, one where only some lack it is marked "+" (its mean is
// over the rest); the best cell (among those with every repeat) is outlined. The colour scale is
// logarithmic when the means are positive and span more than 30x.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/analysis/results_db.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

struct HeatmapRequest {
  std::string x, y;     // dotted config paths ("optimizer.learning_rate")
  std::string metric;   // a trials column or an evals metric (summary's)
  bool maximize = false;
  std::string where;    // an SQL condition on the trials table, as summary's --where
};

struct HeatmapCell {
  std::size_t x = 0, y = 0;   // indices into Heatmap::x_values / y_values
  double mean = 0.0;          // over the repeats with a value (NaN when none has one)
  std::int64_t repeats = 0;   // trials in the cell
  std::int64_t missing = 0;   // of them without a value
  std::string why_missing;    // their statuses ("diverged"), when every repeat lacks a value
};

struct Heatmap {
  std::string title, x_path, y_path, metric;
  bool maximize = false;
  std::vector<std::string> x_values, y_values;  // labels, numbers in increasing order
  std::vector<HeatmapCell> cells;
  bool log_colour = false;
  std::optional<std::size_t> best;  // into cells
};

Heatmap heatmap(const sqlite::Connection& c, const ExperimentChoice& ex, const HeatmapRequest& r);

// Draw it with gnuplot: SVG for *.svg, PNG for *.png.
void draw_heatmap(const Heatmap& h, const std::filesystem::path& out);

}  // namespace lrlab::analysis
