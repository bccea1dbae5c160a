// lrlab query DB SQL [--format table|csv|json]: read-only SQL on a results database.
// The database is opened read-only, and any statement that would write is refused before it runs
// (lrlab/analysis/query.hpp).
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/query.hpp"
#include "lrlab/errors.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {
struct QueryOptions {
  std::string db, sql, format = "table";
};

int query(const QueryOptions& o) {
  const Format format = parse_format(o.format);
  if (!std::filesystem::exists(o.db)) throw StoreError("no database at " + o.db);
  sqlite::Connection c(o.db, SQLITE_OPEN_READONLY);
  analysis::query_read_only(c, o.sql, [&](const Table& t) { print(std::cout, t, format); });
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
