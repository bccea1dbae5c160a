// lrlab plot --heatmap X,Y: each cell's mean against SQLite's own AVG over the same trials, the
// axes in numeric order, diverged cells grey with their status, the best cell, the refusal when a
// cell would mix configurations, and the picture through the command line.
#include <catch2/catch.hpp>
#include <cmath>

#include "lrlab/analysis/heatmap.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
// SGD on an ill-conditioned quadratic: a rate of 100 diverges, the others finish. The grid lists
// the momentum out of order (the axis sorts it) and has a third path, dampening.
const char* spec = R"({
  "name": "heat", "seed": 3, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 6, "condition_number": 40, "noise_std": 0.3, "steps_per_epoch": 10},
  "optimizer": {"type": "sgd"},
  "budget": {"epochs": 6},
  "grid": {"optimizer.learning_rate": [0.01, 0.001, 100], "optimizer.momentum": [0.9, 0], "optimizer.dampening": [0, 0.5]}
})";
const char* undamped = "json_extract(config_json, '$.optimizer.dampening') = 0";

fs::path make_db(const fs::path& dir) {
  write_file(dir / "spec.json", spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "h.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "h.db";
}
}  // namespace

TEST_CASE("heatmap: cell means are SQLite's AVG over the finished repeats, diverged cells have none", "[analysis][heatmap]") {
  const fs::path db = make_db(temp_dir("heatmap"));
  const auto c = lrlab::analysis::open_results_read_only(db.string());
  const auto ex = lrlab::analysis::choose_experiment(c, "");
  const auto h = lrlab::analysis::heatmap(c, ex, {"optimizer.learning_rate", "optimizer.momentum", "final_val_loss", false, undamped});
  CHECK(h.x_values == std::vector<std::string>{"0.001", "0.01", "100"});
  CHECK(h.y_values == std::vector<std::string>{"0", "0.9"});
  REQUIRE(h.cells.size() == 6);
  // The same numbers from SQL: completed trials only, grouped by the two paths.
  const auto rows = sql(db, std::string("SELECT json_extract(config_json, '$.optimizer.learning_rate'), "
                                        "json_extract(config_json, '$.optimizer.momentum'), "
                                        "AVG(CASE WHEN status = 'completed' THEN final_val_loss END), "
                                        "SUM(status = 'diverged'), COUNT(*) FROM trials WHERE ") + undamped + " GROUP BY 1, 2");
  REQUIRE(rows.size() == 6);
  double best = INFINITY;
  std::size_t diverged_cells = 0;
  for (const auto& row : rows) {
    INFO(row[0] << ", " << row[1]);
    const std::size_t xi = row[0] == "0.001" ? 0 : row[0] == "0.01" ? 1 : 2, yi = row[1] == "0" ? 0 : 1;
    const auto cell = std::find_if(h.cells.begin(), h.cells.end(), [&](const auto& k) { return k.x == xi && k.y == yi; });
    REQUIRE(cell != h.cells.end());
    CHECK(cell->repeats == std::stoll(row[4]));
    CHECK(cell->missing == std::stoll(row[3]));
    if (row[2].empty()) {  // NULL: no completed repeat
      CHECK(std::isnan(cell->mean));
      CHECK(cell->why_missing == "diverged");
      ++diverged_cells;
      continue;
    }
    CHECK(cell->mean == Approx(std::stod(row[2])).epsilon(1e-12));
    best = std::min(best, cell->mean);
  }
  CHECK(diverged_cells == 2);  // the rate of 100, with and without momentum
  REQUIRE(h.best);
  CHECK(h.cells[*h.best].mean == best);
}

TEST_CASE("heatmap: refused when a cell would mix configurations, and bad arguments", "[analysis][heatmap]") {
  const fs::path dir = temp_dir("heatmap_refused");
  const fs::path db = make_db(dir);
  auto r = run_lrlab({"plot", db.string(), "-o", (dir / "h.svg").string(), "--heatmap", "optimizer.learning_rate,optimizer.momentum"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("differ in optimizer.dampening") && Contains("--where"));
  CHECK_FALSE(fs::exists(dir / "h.svg"));
  r = run_lrlab({"plot", db.string(), "-o", (dir / "h.svg").string(), "--heatmap", "optimizer.learning_rate"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("two dotted config paths"));
  r = run_lrlab({"plot", db.string(), "-o", (dir / "h.svg").string(), "--heatmap", "optimizer.learning_rat,optimizer.momentum"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("optimizer.learning_rate"));  // did you mean
}

TEST_CASE("heatmap: the picture through the command line, SVG and PNG", "[analysis][heatmap]") {
  const fs::path dir = temp_dir("heatmap_cli");
  const fs::path db = make_db(dir);
  for (const char* file : {"h.svg", "h.png"}) {
    const auto r = run_lrlab({"plot", db.string(), "-o", (dir / file).string(), "--heatmap",
                              "optimizer.learning_rate,optimizer.momentum", "--metric", "final_val_loss", "--where", undamped});
    INFO(r.err);
    REQUIRE(r.rc == 0);
  }
  const std::string svg = read_file(dir / "h.svg");
  CHECK_THAT(svg, Contains("<svg") && Contains("diverged") && Contains("heat: mean final_val_loss over 2 repeats") &&
                      Contains("optimizer.momentum") && Contains("0.001") && Contains("outlined: the best cell"));
  CHECK(read_file(dir / "h.png").substr(1, 3) == "PNG");
}

TEST_CASE("heatmap: axes must be names or numbers, apart, with values, and curve options and missing folders refused", "[analysis][heatmap]") {
  const fs::path dir = temp_dir("heatmap_axes");
  const fs::path db = make_db(dir);
  const auto plot = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"plot", db.string(), "-o", (dir / "h.svg").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_lrlab(args);
  };
  auto r = plot({"--heatmap", "optimizer,optimizer.momentum"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("optimizer.momentum lies inside optimizer"));
  r = plot({"--heatmap", "task,optimizer.momentum", "--where", undamped});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("task holds objects") && Contains("task.type"));
  r = plot({"--heatmap", "optimizer.learning_rate, optimizer.momentum", "--where", undamped, "--metric", "test_loss"});
  CHECK(r.rc == 2);  // the quadratic has no test share: no value to draw
  CHECK_THAT(r.err, Contains("has a value of test_loss"));
  r = plot({"--heatmap", "optimizer.learning_rate,optimizer.momentum", "--where", undamped, "--per-trial"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--per-trial draws curves"));
  // The refusal names the path that varies and a --where for one of its values.
  r = plot({"--heatmap", "optimizer.learning_rate,optimizer.momentum"});
  CHECK_THAT(r.err, Contains("json_extract(config_json, '$.optimizer.dampening') = 0"));
  r = run_lrlab({"plot", db.string(), "-o", (dir / "no" / "h.svg").string(), "--heatmap",
                 "optimizer.learning_rate,optimizer.momentum", "--where", undamped});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("the folder") && Contains("does not exist"));
  CHECK_FALSE(fs::exists(dir / "h.svg"));
}
