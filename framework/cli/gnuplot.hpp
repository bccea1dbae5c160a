#pragma once
// The charts commands draw (plot, preview --plot): the analysis library's, drawn by gnuplot
// (lrlab/analysis/gnuplot.hpp).
#include "lrlab/analysis/gnuplot.hpp"

namespace lrlab::cli {

using analysis::Curve;
using analysis::draw_chart;
using analysis::Panel;
using analysis::wants_log_y;

}  // namespace lrlab::cli
