// lrlab query DB SQL [--format table|csv|json]: read-only SQL on a results database.
// The database is opened read-only, and any statement that would write is refused before it runs
// (lrlab/analysis/query.hpp).
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "lrlab/analysis/query.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/errors.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {
struct QueryOptions {
  std::string db, sql, format = "table";
};

int query(const QueryOptions& o) {
  const Format format = parse_format(o.format);
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  // Row by row, as SQLite steps: a result of millions of rows takes memory for one (the table
  // format holds its first analysis::table_align_rows rows to size the columns).
  std::optional<analysis::TableWriter> out;
  analysis::query_read_only(c, o.sql,
                            analysis::RowSink{[&](const std::vector<std::string>& columns) { out.emplace(std::cout, format, columns); },
                                              [&](const std::vector<Cell>& row) { out->row(row); },
                                              [&] {
                                                out->finish();
                                                out.reset();
                                              }});
  return exit_ok;
}
}  // namespace

void add_query(CLI::App& app, Action& action) {
  auto o = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand("query", "run read-only SQL on a results database");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("sql", o->sql, "SQL: SELECT ... (statements that write are refused)")->required();
  cmd->add_option("--format", o->format, "table (default), csv or json");
  cmd->callback([&action, o] { action = [o] { return query(*o); }; });
}

}  // namespace lrlab::cli
