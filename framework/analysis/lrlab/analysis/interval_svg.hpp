#pragma once
// The summary as a picture: each configuration's mean of the metric as a dot with its 95% interval
// as a bar, one row per configuration in the summary's order (best first), on a shared axis, so
// that which intervals overlap is seen at a glance. Inline SVG for the report, text at 12 px.
#include <string>

#include "lrlab/analysis/table.hpp"

namespace lrlab::analysis {

// From a summary table (summary_table.hpp): its label columns (those between "rank" and "n"),
// "mean", "ci95_low" and "ci95_high". Rows without a mean are listed without a dot; an interval a
// single repeat cannot give is left out. "" when no row has a mean.
std::string interval_svg(const Table& summary, const std::string& metric);

}  // namespace lrlab::analysis
