#pragma once
// One table of one experiment as csv or jsonl (`lrlab export`): each row is written as SQLite steps
// to it, so memory stays constant however large the database (the ORDER BY follows each table's
// primary key or an index, so SQLite needs no sort buffer either). Every row carries its trial's
// trial_index and repeat (steps, evals, events) and its grid values (trials.grid_json keys) as extra
// columns, so the file can be grouped without joins.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "lrlab/analysis/results_db.hpp"

namespace lrlab::analysis {

enum class ExportTable { steps, evals, events, trials };
enum class ExportFormat {
  csv,    // a header row; reals with 17 significant digits; NULL as an empty field
  jsonl,  // an object per line; a grid value that is an object or a list stays one
};

// "steps", "evals", "events" or "trials"; anything else is a SpecError.
ExportTable export_table_named(const std::string& name);
// "csv" or "jsonl"; anything else is a SpecError.
ExportFormat export_format_named(const std::string& name);

// An export ready to stream: the statement prepared and the columns named, so that every error
// about the request (a grid key with the name of one of the table's columns is a SpecError) comes
// before anything is written.
class TableExport {
 public:
  TableExport(const sqlite::Connection& c, const ExperimentChoice& ex, ExportTable table, ExportFormat format);
  // The table's columns, then trial_index and repeat (but for trials), then the grid keys.
  const std::vector<std::string>& columns() const { return columns_; }
  // Write the header (csv) and every row to `out`, once; returns how many rows. Checking `out` is
  // the caller's: it knows what the stream is.
  std::int64_t write(std::ostream& out);

 private:
  ExportFormat format_;
  std::vector<std::string> grid_keys_;
  sqlite::Statement rows_;
  std::vector<std::string> columns_;
};

// The table's name, as the command line and the database spell it.
std::string table_name(ExportTable table);

}  // namespace lrlab::analysis
