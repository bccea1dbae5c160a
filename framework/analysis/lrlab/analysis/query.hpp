#pragma once
// Read-only SQL on a results database, rows as Tables with SQLite's own types (NULL, integer, real,
// text): what `lrlab query` runs, and the listings of the report.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "lrlab/analysis/table.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// Run the statements of `sql` one after the other, handing each one's rows to `each` as soon as it
// has run (statements without result columns hand nothing; whitespace and comments are skipped).
// SQL that does not parse or fails, and any statement that would change the database, is a
// SpecError; it is refused before it runs, and nothing after it runs.
void query_read_only(const sqlite::Connection& c, const std::string& sql, const std::function<void(const Table&)>& each);

// The rows of one query whose ?1 is an experiment_id: at most `limit` of them (0: all).
Table experiment_rows(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment, std::size_t limit = 0);

}  // namespace lrlab::analysis
