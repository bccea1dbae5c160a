// The analysis library opens results databases read-only and picks the experiment to analyse.
#include <catch2/catch.hpp>

#include "lrlab/analysis/results_db.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

TEST_CASE("open_results_read_only: a missing file is an error and is not created", "[analysis][results_db]") {
  const fs::path dir = temp_dir("results-db-missing");
  const std::string missing = (dir / "none.db").string();
  CHECK_THROWS_MATCHES(open_results_read_only(missing), StoreError, Catch::Message("no database at " + missing));
  CHECK_FALSE(fs::exists(missing));
  // A folder is no database either.
  CHECK_THROWS_AS(open_results_read_only(dir.string()), StoreError);
}

TEST_CASE("open_results_read_only: the connection cannot write", "[analysis][results_db]") {
  const fs::path db = empty_results_db("results-db-readonly");
  sql_exec(db, experiment_row(1, "kept"));
  sqlite::Connection c = open_results_read_only(db.string());
  CHECK_THROWS_AS(c.exec("DELETE FROM experiments"), StoreError);
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "1");
}

TEST_CASE("choose_experiment: the latest of a name, or the latest of all", "[analysis][results_db]") {
  const fs::path db = empty_results_db("results-db-choose");
  // "alpha" was run twice (ids 1 and 3), "beta" once in between.
  sql_exec(db, experiment_row(1, "alpha") + experiment_row(2, "beta") + experiment_row(3, "alpha"));
  const sqlite::Connection c = open_results_read_only(db.string());

  auto chosen = choose_experiment(c, "");
  CHECK(chosen.id == 3);
  CHECK(chosen.name == "alpha");
  chosen = choose_experiment(c, "alpha");
  CHECK(chosen.id == 3);
  chosen = choose_experiment(c, "beta");
  CHECK(chosen.id == 2);
  CHECK(chosen.name == "beta");
  // A number is an experiment_id: the older "alpha", which its name alone no longer reaches.
  chosen = choose_experiment(c, "1");
  CHECK(chosen.id == 1);
  CHECK(chosen.name == "alpha");
  // An unknown name or number: the error lists every experiment there is, by id.
  CHECK_THROWS_MATCHES(choose_experiment(c, "gamma"), SpecError,
                       Catch::Message("no experiment named or numbered \"gamma\" in " + db.string() +
                                      "; it holds (id name): 1 \"alpha\", 2 \"beta\", 3 \"alpha\""));
  CHECK_THROWS_AS(choose_experiment(c, "4"), SpecError);
}

TEST_CASE("choose_experiment: a name made of digits wins over the experiment_id it spells", "[analysis][results_db]") {
  const fs::path db = empty_results_db("results-db-digits");
  sql_exec(db, experiment_row(1, "2") + experiment_row(2, "beta"));
  const sqlite::Connection c = open_results_read_only(db.string());
  CHECK(choose_experiment(c, "2").id == 1);
  CHECK(choose_experiment(c, "1").id == 1);
}

TEST_CASE("choose_experiment: a database without experiments says so", "[analysis][results_db]") {
  const fs::path db = empty_results_db("results-db-empty");
  const sqlite::Connection c = open_results_read_only(db.string());
  CHECK_THROWS_MATCHES(choose_experiment(c, ""), SpecError, Catch::Message(db.string() + " holds no experiment yet"));
  CHECK_THROWS_MATCHES(choose_experiment(c, "alpha"), SpecError,
                       Catch::Message("no experiment named or numbered \"alpha\" in " + db.string() + " (it holds none)"));
}
