#pragma once
// Trajectory analytics as SQL views of the results database (docs/database.md documents them).
#include "lrlab/sqlite.hpp"

namespace lrlab {

// Create the analysis views if they are missing. Views hold no data and CREATE VIEW does not need
// the tables to exist yet, so this is safe on a fresh file and upgrades databases made before them.
void create_analysis_views(sqlite::Connection& db);

}  // namespace lrlab
