#pragma once
// One HTML page to share a result (`lrlab report`): the experiment, the summary table and its
// verdict, the curves as inline SVG, the policies' actions, failed trials, and the provenance
// (spec, runs, plugins). Self-contained: no script, no style sheet or font from the network; it
// opens offline.
#include <cstddef>
#include <string>

#include "lrlab/analysis/results_db.hpp"
#include "lrlab/analysis/summary_table.hpp"

namespace lrlab::analysis {

struct ReportRequest {
  SummaryRequest summary;        // the summary's metric, and the grouping of the summary and the curves
  std::string db_path;           // the database as the commands the page quotes name it
  std::size_t max_events = 500;  // policy actions listed one by one; the page counts the others
};

// The page. Draws its curves with gnuplot (lrlab/analysis/gnuplot.hpp), so it throws what
// draw_chart() throws when gnuplot is missing or fails, and what summarize() throws.
std::string report_html(const sqlite::Connection& c, const ExperimentChoice& ex, const ReportRequest& r);

}  // namespace lrlab::analysis
