// lrlab plot and preview --plot: the SVG parses as XML with a line per configuration and the
// legend's labels, the PNG is a PNG of the promised size; without gnuplot the error names the package.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "lrlab/analysis/curves.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
const char* plot_spec = R"({
  "name": "plotted", "seed": 4, "repeats": 2,
  "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "noise_std": 0.2, "steps_per_epoch": 10},
  "budget": {"epochs": 4},
  "grid": {"schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.5}]}
})";

fs::path make_plot_db(const fs::path& dir) {
  write_file(dir / "spec.json", plot_spec);
  const auto r = run_lrlab({"run", "spec.json", "--db", "p.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "p.db";
}

// Parse `svg` with Python's XML parser (independent of gnuplot and lrlab); print the root tag, the
// number of <path> elements and all text.
CliResult parse_svg(const fs::path& svg) {
  return run_shell("python3 -c " + shell_quote(
      "import sys, xml.etree.ElementTree as E\n"
      "root = E.parse(sys.argv[1]).getroot()\n"
      "ns = '{http://www.w3.org/2000/svg}'\n"
      "print(root.tag)\n"
      "print(sum(1 for e in root.iter(ns + 'path')))\n"
      "print('|'.join(t.strip() for t in root.itertext() if t.strip()))\n") + " " + shell_quote(svg.string()));
}

// Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian), after checking the signature.
std::pair<std::uint32_t, std::uint32_t> png_size(const fs::path& png) {
  const std::string b = read_file(png);
  REQUIRE(b.size() > 24);
  REQUIRE(b.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  REQUIRE(b.substr(12, 4) == "IHDR");
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t(std::uint8_t(b[at])) << 24) | (std::uint32_t(std::uint8_t(b[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(b[at + 2])) << 8) | std::uint32_t(std::uint8_t(b[at + 3]));
  };
  return {be32(16), be32(20)};
}
}  // namespace

TEST_CASE("plot: an SVG with one line and band per configuration in each panel, and its legend", "[analysis][plot]") {
  const fs::path dir = temp_dir("plot");
  const fs::path db = make_plot_db(dir);
  const auto r = run_lrlab({"plot", db.string(), "-o", (dir / "curves.svg").string()});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("wrote"));
  const auto parsed = parse_svg(dir / "curves.svg");
  INFO(parsed.err);
  REQUIRE(parsed.rc == 0);
  std::istringstream lines(parsed.out);
  std::string tag, paths, text;
  std::getline(lines, tag);
  std::getline(lines, paths);
  std::getline(lines, text);
  CHECK(tag == "{http://www.w3.org/2000/svg}svg");
  // 3 panels (lr, train_loss, val_loss) x 2 configurations x (a line + a band), plus axes and grid.
  CHECK(std::stoi(paths) >= 12);
  CHECK_THAT(text, Contains("learning rate") && Contains("train_loss") && Contains("val_loss"));
  CHECK_THAT(text, Contains("schedule=constant") && Contains("schedule=exponential_decay(decay_steps=5, decay_rate=0.5)"));
}

TEST_CASE("plot: PNG per trial, bad metrics and file names are usage errors", "[analysis][plot]") {
  const fs::path dir = temp_dir("plot-png");
  const fs::path db = make_plot_db(dir);
  auto r = run_lrlab({"plot", db.string(), "--per-trial", "--metrics", "lr,val_loss", "-o", (dir / "trials.png").string()});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto [w, h] = png_size(dir / "trials.png");
  CHECK(w == 960);
  CHECK(h == 300 * 2 + (16 * 4 + 30) + 40);  // 2 panels, a key of 4 trials, the title
  CHECK(fs::file_size(dir / "trials.png") > 10000);

  r = run_lrlab({"plot", db.string(), "--metrics", "val_acc", "-o", (dir / "x.svg").string()});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("no \"val_acc\"") && Contains("val_loss"));
  r = run_lrlab({"plot", db.string(), "-o", (dir / "x.pdf").string()});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains(".svg or .png"));
  CHECK_FALSE(fs::exists(dir / "x.svg"));
}

TEST_CASE("preview --plot draws a schedule before any run", "[analysis][plot]") {
  const fs::path dir = temp_dir("preview-plot");
  const auto r = run_lrlab({"preview", "--schedule", R"({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 100})",
                            "--steps", "100", "--plot", (dir / "one_cycle.svg").string()});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto parsed = parse_svg(dir / "one_cycle.svg");
  REQUIRE(parsed.rc == 0);
  CHECK_THAT(parsed.out, Contains("learning rate") && Contains("beta_1"));  // one_cycle_lr cycles momentum too
}

TEST_CASE("plot without gnuplot: the error names the package", "[analysis][plot]") {
  const fs::path dir = temp_dir("plot-nognuplot");
  const fs::path db = make_plot_db(dir);
  const std::string path = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);  // the shell and lrlab are started by absolute path
  const auto r = run_lrlab({"plot", db.string(), "-o", (dir / "x.svg").string()});
  setenv("PATH", path.c_str(), 1);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("gnuplot-nox"));
  CHECK_FALSE(fs::exists(dir / "x.svg"));
}

TEST_CASE("plot --searched: a panel per searched number, log x for a log-drawn one, the best region and configuration",
          "[analysis][plot][search]") {
  const fs::path dir = temp_dir("plot-searched");
  write_file(dir / "spec.json", R"({"name": "searched", "seed": 2,
    "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "steps_per_epoch": 10},
    "budget": {"epochs": 3},
    "search": {"type": "quasi_random", "trials": 12, "space": {
      "optimizer.learning_rate": {"distribution": "log_uniform", "low": 1e-4, "high": 1},
      "optimizer.beta_1": {"distribution": "uniform", "low": 0.5, "high": 0.9},
      "schedule": {"distribution": "choice", "values": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 30}]}}}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "s.db", "--quiet"}, dir).rc == 0);
  auto r = run_lrlab({"plot", "s.db", "--searched", "-o", "searched.svg"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto parsed = parse_svg(dir / "searched.svg");
  REQUIRE(parsed.rc == 0);
  // Two panels (the choice is summary's), the log axis labelled in powers of ten.
  CHECK_THAT(parsed.out, Contains("optimizer.learning_rate (log scale)") && Contains("optimizer.beta_1") &&
                             Contains("best region (its mean)") && Contains("best configuration") && Contains("1e-02") &&
                             Contains("best_val_loss"));
  CHECK_THAT(parsed.out, !Contains("schedule"));
  // A grid is no search.
  write_file(dir / "grid.json", plot_spec);
  REQUIRE(run_lrlab({"run", "grid.json", "--db", "g.db", "--quiet"}, dir).rc == 0);
  r = run_lrlab({"plot", "g.db", "--searched", "-o", "g.svg"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("has no searched numeric parameter"));
  CHECK_FALSE(fs::exists(dir / "g.svg"));
}

TEST_CASE("plot: a pruned configuration's line ends in a cross where the pruner stopped it", "[analysis][plot][pruning]") {
  const fs::path dir = temp_dir("plot_pruned");
  write_file(dir / "spec.json", R"({"name": "pruned", "seed": 5, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 8, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
    "budget": {"steps": 90}, "evaluate": {"every_steps": 10},
    "grid": {"optimizer.learning_rate": [0.0003, 0.003, 0.03, 0.3]},
    "pruner": {"type": "successive_halving", "eta": 2, "min_steps": 20}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "p.db", "-q"}, dir).rc == 0);
  // eta 2 from 20: rungs 20 and 40 (80 < 90 too): 4 -> 2 -> 1 -> 1; three configurations pruned.
  const fs::path db = dir / "p.db";
  REQUIRE(sql1(db, "SELECT count(*) FROM trials WHERE status = 'pruned'") == "6");
  lrlab::sqlite::Connection c = lrlab::analysis::open_results_read_only(db.string());
  const auto panel = lrlab::analysis::metric_panel(c, lrlab::analysis::group_trials(c, 1, {}), {"val_loss"});
  REQUIRE(panel.curves.size() == 5);  // 4 configurations and the crosses
  const auto& crosses = panel.curves.back();
  CHECK(crosses.points);
  CHECK(crosses.crosses);
  // One cross per pruned configuration, at its rung, on its mean val_loss there (SQL's numbers).
  const auto rows = sql(db, "SELECT t.steps_done, avg(e.value) FROM trials t JOIN evals e ON e.trial_id = t.trial_id "
                            "AND e.metric = 'val_loss' AND e.step = t.steps_done WHERE t.status = 'pruned' "
                            "GROUP BY t.trial_index / 2 ORDER BY t.trial_index");
  REQUIRE(crosses.x.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(crosses.x[i] == std::stod(rows[i][0]));
    CHECK(crosses.mean[i] == Approx(std::stod(rows[i][1])).epsilon(1e-12));
  }
  // Through the command: the legend names the crosses.
  const auto r = run_lrlab({"plot", "p.db", "-o", "p.svg", "--metrics", "val_loss"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(parse_svg(dir / "p.svg").out, Contains("pruned (a pruner stopped it here)"));
}

TEST_CASE("plot: the options of a readable picture through the CLI, and 14 lines told apart by dashes", "[analysis][plot]") {
  const fs::path dir = temp_dir("plot-options");
  // 14 learning rates with a plateau policy: more lines than colours, and policy actions.
  write_file(dir / "spec.json", R"({
    "name": "many", "seed": 2, "repeats": 1,
    "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "noise_std": 0.4, "steps_per_epoch": 10},
    "budget": {"epochs": 6},
    "policies": [{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 0}],
    "grid": {"optimizer.learning_rate": [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14]}
  })");
  auto r = run_lrlab({"run", "spec.json", "--db", "m.db", "--quiet"}, dir);
  REQUIRE(r.rc == 0);
  r = run_lrlab({"plot", "m.db", "-o", "m.svg", "--metrics", "lr,val_loss", "--x", "epoch", "--smooth", "0.5",
                 "--log-y", "lr=on,val_loss=off", "--where", "json_extract(config_json, '$.optimizer.learning_rate') > 0.005"},
                dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto parsed = parse_svg(dir / "m.svg");
  REQUIRE(parsed.rc == 0);
  // Legends name only what differs: the rate, not the task or the policy.
  CHECK_THAT(parsed.out, Contains("optimizer.learning_rate=0.14") && !Contains("quadratic"));
  CHECK_THAT(parsed.out, Contains("epoch") && Contains("smoothed, weight 0.5") && Contains("trials where"));
  // Lines 13 and 14 share the colours of lines 1 and 2 and are dashed.
  const std::string svg = read_file(dir / "m.svg");
  CHECK_THAT(svg, Contains("stroke-dasharray"));
  // Policy actions are marked at steps, with --x step (the default).
  r = run_lrlab({"plot", "m.db", "-o", "s.svg", "--metrics", "lr"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(parse_svg(dir / "s.svg").out, Contains("policy action (events table)"));
  r = run_lrlab({"plot", "m.db", "-o", "n.svg", "--metrics", "lr", "--no-events"}, dir);
  REQUIRE(r.rc == 0);
  CHECK_THAT(parse_svg(dir / "n.svg").out, !Contains("policy action"));
  // Bad values are usage errors.
  r = run_lrlab({"plot", "m.db", "-o", "x.svg", "--x", "wall"}, dir);
  CHECK(r.rc != 0);
  r = run_lrlab({"plot", "m.db", "-o", "x.svg", "--smooth", "1.5"}, dir);
  CHECK(r.rc == 2);
  CHECK_FALSE(fs::exists(dir / "x.svg"));
}

TEST_CASE("plot: a log panel after one with a set range gets its own range (gnuplot keeps the last one otherwise)",
          "[analysis][plot]") {
  const fs::path dir = temp_dir("plot-own-range");
  // The third rate falls to 1e-123 and is set aside: the rate panel gets an explicit range around
  // 1e-3; the losses below, around 1, must not be drawn on it.
  write_file(dir / "spec.json", R"({
    "name": "ranges", "seed": 4,
    "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "steps_per_epoch": 10},
    "budget": {"epochs": 4},
    "grid": {"schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 5, "decay_rate": 0.9},
                          {"type": "exponential_decay", "decay_steps": 1, "decay_rate": 0.001}]}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "r.db", "--quiet"}, dir).rc == 0);
  const std::string low = sql1(dir / "r.db", "SELECT min(value) FROM evals WHERE metric = 'val_loss'");
  REQUIRE(std::stod(low) > 0.1);  // the losses lie far above the rate panel's range
  const auto r = run_lrlab({"plot", "r.db", "-o", "r.svg", "--metrics", "lr,val_loss", "--log-y", "on"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto parsed = parse_svg(dir / "r.svg");
  REQUIRE(parsed.rc == 0);
  CHECK_THAT(parsed.out, Contains("values off the axis"));  // the rate panel's range was set
  // Tick labels are '%.0e': the rate panel's range has one, 1e-03; drawn on the same range, the
  // loss panel would repeat it (its own range, within one decade above 0.1, has none or others).
  std::size_t ticks = 0;
  for (std::size_t at = parsed.out.find("|1e-03|"); at != std::string::npos; at = parsed.out.find("|1e-03|", at + 1)) ++ticks;
  CHECK(ticks == 1);
}

TEST_CASE("plot: a --where written over two lines, or of a paragraph, still draws, the title within the picture",
          "[analysis][plot]") {
  const fs::path dir = temp_dir("plot-where-lines");
  const fs::path db = make_plot_db(dir);
  const auto two_lines = run_lrlab({"plot", db.string(), "-o", (dir / "a.svg").string(), "--where", "repeat = 0\nAND 1 = 1"});
  INFO(two_lines.err);
  CHECK(two_lines.rc == 0);
  std::string long_where = "repeat = 0";
  while (long_where.size() < 400) long_where += " AND trial_index >= 0";
  const auto paragraph = run_lrlab({"plot", db.string(), "-o", (dir / "b.svg").string(), "--where", long_where});
  INFO(paragraph.err);
  REQUIRE(paragraph.rc == 0);
  const auto parsed = parse_svg(dir / "b.svg");
  REQUIRE(parsed.rc == 0);
  CHECK_THAT(parsed.out, Contains("..."));
  CHECK_FALSE(Contains(long_where).match(parsed.out));
}
