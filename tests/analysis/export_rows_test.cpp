// Exporting a table through the analysis library: grid values as extra columns, csv with exact
// numbers, jsonl that keeps objects as objects, and the errors, against texts written out here.
#include <catch2/catch.hpp>
#include <sstream>

#include "lrlab/analysis/export.hpp"
#include "lrlab/errors.hpp"
#include "results_fixture.hpp"

using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Two trials of a grid over the rate and the schedule, two steps each; trial 9 is another experiment's.
fs::path export_db() {
  const fs::path db = empty_results_db("export-rows");
  const std::string grid1 = R"({"optimizer.learning_rate": 0.1, "schedule": {"type": "constant"}})";
  const std::string grid2 = R"({"optimizer.learning_rate": 0.2, "schedule": {"type": "step", "gamma": 0.5}})";
  sql_exec(db, experiment_row(1, "exported") + experiment_row(2, "other") + trial_row({1, 1, 0, 0, "{}", grid1}) +
                   trial_row({2, 1, 1, 1, "{}", grid2}) + trial_row({9, 2, 0, 0, "{}", grid1}) +
                   step_row(2, 0, 0.2, 1.5) + step_row(1, 1, 0.1, std::nullopt) + step_row(1, 0, 0.1, 3.0) +
                   step_row(9, 0, 0.3, 1.0));
  return db;
}

std::string written(TableExport& e) {
  std::ostringstream out;
  e.write(out);
  return out.str();
}

}  // namespace

TEST_CASE("TableExport: steps as csv, in key order, with the trial's index, repeat and grid values", "[analysis][export]") {
  const fs::path db = export_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  TableExport e(c, {1, "exported"}, ExportTable::steps, ExportFormat::csv);
  CHECK(e.columns() == std::vector<std::string>{"trial_id", "step", "epoch", "lr", "train_loss", "beta_1", "trial_index",
                                                "repeat", "optimizer.learning_rate", "schedule"});
  CHECK(written(e) ==
        "trial_id,step,epoch,lr,train_loss,beta_1,trial_index,repeat,optimizer.learning_rate,schedule\n"
        "1,0,0,0.10000000000000001,3,,0,0,0.10000000000000001,\"{\"\"type\"\":\"\"constant\"\"}\"\n"
        "1,1,0,0.10000000000000001,,,0,0,0.10000000000000001,\"{\"\"type\"\":\"\"constant\"\"}\"\n"
        "2,0,0,0.20000000000000001,1.5,,1,1,0.20000000000000001,\"{\"\"type\"\":\"\"step\"\",\"\"gamma\"\":0.5}\"\n");
}

TEST_CASE("TableExport: jsonl keeps a grid object an object, NULL a null", "[analysis][export]") {
  const fs::path db = export_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  TableExport e(c, {1, "exported"}, ExportTable::steps, ExportFormat::jsonl);
  std::ostringstream out;
  CHECK(e.write(out) == 3);
  std::istringstream lines(out.str());
  std::string first;
  std::getline(lines, first);
  CHECK(first ==
        R"({"trial_id":1,"step":0,"epoch":0,"lr":0.1,"train_loss":3.0,"beta_1":null,"trial_index":0,"repeat":0,)"
        R"("optimizer.learning_rate":0.1,"schedule":{"type":"constant"}})");
}

TEST_CASE("TableExport: trials carry their grid values, a grid key named like a column is refused", "[analysis][export]") {
  const fs::path db = export_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  TableExport trials(c, {1, "exported"}, ExportTable::trials, ExportFormat::csv);
  const auto& cols = trials.columns();
  CHECK(cols.front() == "trial_id");
  CHECK(std::vector<std::string>(cols.end() - 2, cols.end()) == std::vector<std::string>{"optimizer.learning_rate", "schedule"});
  std::ostringstream out;
  CHECK(trials.write(out) == 2);

  sql_exec(db, experiment_row(3, "clash") + trial_row({10, 3, 0, 0, "{}", R"({"lr": 0.1})"}));
  CHECK_THROWS_MATCHES(TableExport(c, {3, "clash"}, ExportTable::steps, ExportFormat::csv), SpecError,
                       Catch::Message("grid key \"lr\" has the name of a column of steps"));
}

TEST_CASE("export names: tables and formats by name, anything else refused", "[analysis][export]") {
  CHECK(export_table_named("evals") == ExportTable::evals);
  CHECK(table_name(ExportTable::events) == "events");
  CHECK(export_format_named("jsonl") == ExportFormat::jsonl);
  CHECK_THROWS_MATCHES(export_table_named("runs"), SpecError,
                       Catch::Message("--table must be steps, evals, events or trials; received \"runs\""));
  CHECK_THROWS_MATCHES(export_format_named("json"), SpecError,
                       Catch::Message("--format must be csv or jsonl; received \"json\""));
}
