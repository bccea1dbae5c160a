#pragma once
// Read-only SQL on a results database, rows as Tables with SQLite's own types (NULL, integer, real,
// text): what `lrlab query` runs, and the listings of the report.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lrlab/analysis/table.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// Where query_read_only hands its results: for each statement with result columns, `begin` with
// its column names, `row` for each row as SQLite steps to it (nothing is held: a result of any
// length takes memory for one row), then `end`.
struct RowSink {
  std::function<void(const std::vector<std::string>& columns)> begin;
  std::function<void(const std::vector<Cell>& row)> row;
  std::function<void()> end;
};

// Run the statements of `sql` one after the other, streaming each one's rows to `sink` as it runs
// (statements without result columns hand nothing; whitespace and comments are skipped). SQL that
// does not parse or fails, and any statement that would change the database, is a SpecError; a
// statement that would write is refused before it runs, and nothing after an error runs (the rows
// of a statement that fails part-way have been handed on).
void query_read_only(const sqlite::Connection& c, const std::string& sql, const RowSink& sink);

// The same, each statement's rows collected into a Table handed to `each` once it has run.
void query_read_only(const sqlite::Connection& c, const std::string& sql, const std::function<void(const Table&)>& each);

// The rows of one query whose ?1 is an experiment_id: at most `limit` of them (0: all).
Table experiment_rows(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment, std::size_t limit = 0);

}  // namespace lrlab::analysis
