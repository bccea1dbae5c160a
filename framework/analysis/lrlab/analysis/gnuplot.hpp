#pragma once
// Drawing charts with gnuplot (Debian's `gnuplot-nox`): one panel under the other, the same colour
// for the same configuration in every panel, the band over repeats shaded. gnuplot is the one from
// LRLAB_GNUPLOT, else the first on PATH.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lrlab/analysis/chart.hpp"

namespace lrlab::analysis {

// Write the chart to `out`: SVG for *.svg, PNG for *.png (anything else is a usage error). `out`
// appears whole or not at all. Throws with a message naming the package when gnuplot is not
// installed, and with gnuplot's own message when it fails.
void draw_chart(const std::vector<Panel>& panels, const std::string& title, const std::filesystem::path& out);

// Any gnuplot picture, as draw_chart draws its own: `script_for(file, svg, folder)` returns the
// script that draws into `file` (SVG when `svg`, else PNG), with data files of its own in the
// private `folder`; `out` is checked, appears whole or not at all, and gnuplot's errors are thrown.
using GnuplotScript = std::function<std::string(const std::filesystem::path& file, bool svg, const std::filesystem::path& folder)>;
void render_with_gnuplot(const std::filesystem::path& out, const GnuplotScript& script_for);

// A gnuplot string literal: single quotes, a quote doubled.
std::string gnuplot_quoted(const std::string& s);

// `title` + ", trials where " + `where` (nothing for an empty condition), the condition cut with
// "..." so that the whole stays near 110 characters (60 of the condition at least): a picture is
// as wide as its title, and the full condition is in the command that drew it.
std::string title_with_where(std::string title, const std::string& where);

// The same chart as SVG text, for inlining into HTML.
std::string chart_svg(const std::vector<Panel>& panels, const std::string& title);

}  // namespace lrlab::analysis
