// lrlab query DB SQL [--format table|csv|json]: read-only SQL on a results database.
// The database is opened read-only, and any statement that would write is refused before it runs.
#include <iostream>

#include "commands.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/sqlite.hpp"
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
  const char* rest = o.sql.c_str();
  while (rest && *rest) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(c.handle(), rest, -1, &raw, &tail) != SQLITE_OK)
      throw SpecError("", std::string("SQL error: ") + sqlite3_errmsg(c.handle()));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    rest = tail;
    if (!raw) continue;  // whitespace or a comment
    if (!sqlite3_stmt_readonly(raw))
      throw SpecError("", std::string("lrlab query is read-only; refusing a statement that would change the database: ") +
                              sqlite3_sql(raw));
    Table t;
    const int n = sqlite3_column_count(raw);
    for (int i = 0; i < n; ++i) t.columns.push_back(sqlite3_column_name(raw, i));
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      std::vector<Cell> row;
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(raw, i)) {
          case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(raw, i))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(raw, i)); break;
          case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
          default: row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, i)))); break;
        }
      }
      t.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) throw SpecError("", std::string("SQL error: ") + sqlite3_errmsg(c.handle()));
    if (n > 0) print(std::cout, t, format);
  }
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
