// Read-only SQL through the analysis library: tables typed as SQLite types them, one per statement,
// and statements that would write refused before they run.
#include <catch2/catch.hpp>

#include "lrlab/analysis/query.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

fs::path query_db() {
  const fs::path db = empty_results_db("query");
  sql_exec(db, experiment_row(1, "queried") + experiment_row(2, "other") + trial_row({1, 1, 0, 0, "{}", "{}"}) +
                   trial_row({2, 1, 1, 1, "{}", "{}"}) + trial_row({3, 1, 2, 2, "{}", "{}"}) +
                   trial_row({4, 2, 0, 0, "{}", "{}"}) + step_row(1, 0, 0.5, std::nullopt));
  return db;
}

std::vector<Table> run_all(const sqlite::Connection& c, const std::string& sql) {
  std::vector<Table> tables;
  query_read_only(c, sql, [&](const Table& t) { tables.push_back(t); });
  return tables;
}

}  // namespace

TEST_CASE("query_read_only: a table per statement, cells typed as SQLite types them", "[analysis][query]") {
  const fs::path db = query_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const auto tables = run_all(c, "SELECT step, lr, train_loss, 'text' AS t FROM steps; -- a comment\n"
                                 "BEGIN; SELECT count(*) AS n FROM trials; COMMIT;  ");
  REQUIRE(tables.size() == 2);  // BEGIN and COMMIT have no columns: nothing to show
  CHECK(tables[0].columns == std::vector<std::string>{"step", "lr", "train_loss", "t"});
  REQUIRE(tables[0].rows.size() == 1);
  CHECK(tables[0].rows[0] == std::vector<Cell>{std::int64_t{0}, 0.5, std::monostate{}, std::string("text")});
  CHECK(tables[1].columns == std::vector<std::string>{"n"});
  CHECK(tables[1].rows == std::vector<std::vector<Cell>>{{std::int64_t{4}}});
}

TEST_CASE("query_read_only: a statement that would write is refused, and nothing after it runs", "[analysis][query]") {
  const fs::path db = query_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  std::vector<Table> seen;
  CHECK_THROWS_MATCHES(query_read_only(c, "SELECT 1 AS one; DELETE FROM steps; SELECT 2 AS two",
                                       [&](const Table& t) { seen.push_back(t); }),
                       SpecError,
                       Catch::Message("lrlab query is read-only; refusing a statement that would change the database: "
                                      " DELETE FROM steps;"));  // as SQLite quotes it
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].columns == std::vector<std::string>{"one"});
  CHECK(sql1(db, "SELECT count(*) FROM steps") == "1");
  // SQL that does not parse.
  CHECK_THROWS_MATCHES(run_all(c, "SELEC 1"), SpecError, Catch::Message("SQL error: near \"SELEC\": syntax error"));
}

TEST_CASE("experiment_rows: the rows of one experiment, at most a limit", "[analysis][query]") {
  const fs::path db = query_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  const std::string sql = "SELECT trial_id, status FROM trials WHERE experiment_id = ?1 ORDER BY trial_index";
  Table t = experiment_rows(c, sql, 1);
  CHECK(t.columns == std::vector<std::string>{"trial_id", "status"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[2] == std::vector<Cell>{std::int64_t{3}, std::string("completed")});
  CHECK(experiment_rows(c, sql, 1, 2).rows.size() == 2);
  CHECK(experiment_rows(c, sql, 2).rows == std::vector<std::vector<Cell>>{{std::int64_t{4}, std::string("completed")}});
}

TEST_CASE("query_read_only: rows are handed on as SQLite steps, even from an endless result", "[analysis][query]") {
  const fs::path db = query_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  struct Enough {};
  // An endless result: only a sink that is handed each row as it comes can stop it.
  CHECK_THROWS_AS(query_read_only(c, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
                                  RowSink{[&](const std::vector<std::string>& names) { columns = names; },
                                          [&](const std::vector<Cell>& row) {
                                            rows.push_back(row);
                                            if (rows.size() == 5) throw Enough{};
                                          },
                                          [] {}}),
                  Enough);
  CHECK(columns == std::vector<std::string>{"x"});
  REQUIRE(rows.size() == 5);
  CHECK(rows[4] == std::vector<Cell>{std::int64_t{5}});
}
