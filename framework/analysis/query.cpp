#include "lrlab/analysis/query.hpp"

#include <memory>

#include "lrlab/errors.hpp"

namespace lrlab::analysis {
namespace {

std::vector<std::string> column_names(sqlite3_stmt* st) {
  std::vector<std::string> names;
  for (int i = 0; i < sqlite3_column_count(st); ++i) names.emplace_back(sqlite3_column_name(st, i));
  return names;
}

// The current row of `st`, each value as SQLite typed it.
std::vector<Cell> row_cells(sqlite3_stmt* st) {
  std::vector<Cell> row;
  for (int i = 0; i < sqlite3_column_count(st); ++i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(st, i))); break;
      case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(st, i)); break;
      case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
      default: row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)))); break;
    }
  }
  return row;
}

}  // namespace

void query_read_only(const sqlite::Connection& c, const std::string& sql, const RowSink& sink) {
  const char* rest = sql.c_str();
  while (rest && *rest) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(c.handle(), rest, -1, &raw, &tail) != SQLITE_OK)
      throw SpecError("", std::string("SQL error: ") + sqlite3_errmsg(c.handle()));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    rest = tail;
    if (!raw) continue;  // whitespace or a comment
    // The connection is read-only too; this refuses with a clear message, before anything runs.
    if (!sqlite3_stmt_readonly(raw))
      throw SpecError("", std::string("lrlab query is read-only; refusing a statement that would change the database: ") +
                              sqlite3_sql(raw));
    const std::vector<std::string> columns = column_names(raw);
    if (!columns.empty()) sink.begin(columns);
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW)
      if (!columns.empty()) sink.row(row_cells(raw));
    if (rc != SQLITE_DONE) throw SpecError("", std::string("SQL error: ") + sqlite3_errmsg(c.handle()));
    if (!columns.empty()) sink.end();
  }
}

void query_read_only(const sqlite::Connection& c, const std::string& sql, const std::function<void(const Table&)>& each) {
  Table t;
  query_read_only(c, sql,
                  RowSink{[&](const std::vector<std::string>& columns) { t = Table{columns, {}}; },
                          [&](const std::vector<Cell>& row) { t.rows.push_back(row); }, [&] { each(t); }});
}

Table experiment_rows(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment, std::size_t limit) {
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  Table t{column_names(s.handle()), {}};
  while ((limit == 0 || t.rows.size() < limit) && s.step()) t.rows.push_back(row_cells(s.handle()));
  return t;
}

}  // namespace lrlab::analysis
