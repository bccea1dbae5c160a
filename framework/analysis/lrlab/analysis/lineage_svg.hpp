#pragma once
// The lineage of a population-based training experiment as a picture (the report's): generations
// on x (labelled with their steps), members on y, one node per member and generation, an edge from
// each node to the next generation's: grey where the member went on as it was, orange where it
// copied another member's state (from that member's node) and explored its values. The winner's
// lineage (the best completed trial by the search's metric) is drawn thick, as `lrlab replay`
// reruns it. Plain SVG, no gnuplot needed.
#include <cstdint>
#include <string>

#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// The picture; empty when the experiment has no lineage (it is not PBT).
std::string lineage_svg(const sqlite::Connection& c, std::int64_t experiment_id);

}  // namespace lrlab::analysis
