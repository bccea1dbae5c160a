// The report page from the analysis library, on a database written by hand: escaped text, the
// sections that appear only when there is something to show, and the cap on listed actions.
#include <catch2/catch.hpp>
#include <sstream>

#include "lrlab/analysis/html.hpp"
#include "lrlab/analysis/report.hpp"
#include "results_fixture.hpp"

using Catch::Matchers::Contains;
using namespace lrlab;
using namespace lrlab::analysis;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Two configurations of two repeats with steps and a val_loss; trial 4 failed; three policy actions.
fs::path report_db() {
  const fs::path db = empty_results_db("report-page");
  const std::string a_config = R"({"optimizer": {"learning_rate": 0.1}})", a_grid = R"({"optimizer.learning_rate": 0.1})";
  const std::string b_config = R"({"optimizer": {"learning_rate": 0.2}})", b_grid = R"({"optimizer.learning_rate": 0.2})";
  std::string sql = experiment_row(1, "a<b>&c", "compares \"two\" rates") +
                    trial_row({1, 1, 0, 0, a_config, a_grid, "completed", 1.0}) +
                    trial_row({2, 1, 1, 1, a_config, a_grid, "completed", 2.0}) +
                    trial_row({3, 1, 2, 0, b_config, b_grid, "completed", 3.0}) +
                    trial_row({4, 1, 3, 1, b_config, b_grid, "failed", std::nullopt, "bad <input>"});
  for (int t = 1; t <= 3; ++t)
    for (int s = 0; s < 3; ++s) sql += step_row(t, s, 0.1 / (s + 1), 3.0 - s) + eval_row(t, s + 1, "val_loss", 2.0 - 0.5 * s);
  for (int e = 0; e < 3; ++e)
    sql += "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) VALUES (1, " +
           std::to_string(e) + ", 0, 'reduce_on_plateau', 'lr_change', 0.1, 0.05, 'plateau');\n";
  sql_exec(db, sql);
  return db;
}

}  // namespace

TEST_CASE("html_escape and table_html: escaped text, numbers for reading", "[analysis][report]") {
  CHECK(html_escape("a<b> & \"c\" 'd'") == "a&lt;b&gt; &amp; &quot;c&quot; 'd'");
  std::ostringstream out;
  table_html(out, Table{{"name", "<n>"}, {{std::string("x&y"), 0.123456}, {std::monostate{}, std::int64_t{7}}}}, "summary");
  CHECK(out.str() ==
        "<table class=\"summary\"><thead><tr><th>name</th><th>&lt;n&gt;</th></tr></thead><tbody>\n"
        "<tr><td>x&amp;y</td><td class=\"num\">0.1235</td></tr>\n"
        "<tr><td class=\"num\"></td><td class=\"num\">7</td></tr>\n"
        "</tbody></table>\n");
}

TEST_CASE("report_html: the sections of a hand-written experiment", "[analysis][report]") {
  const fs::path db = report_db();
  const sqlite::Connection c = open_results_read_only(db.string());
  ReportRequest request;
  request.db_path = "results/x.db";
  request.max_events = 2;
  const std::string page = report_html(c, choose_experiment(c, ""), request);

  CHECK_THAT(page, Contains("<title>lrlab report: a&lt;b&gt;&amp;c</title>") && Contains("<h1>a&lt;b&gt;&amp;c</h1>"));
  CHECK_THAT(page, Contains("<p>compares &quot;two&quot; rates</p>"));
  CHECK_THAT(page, Contains("created 2026-01-02T03:04:05Z on testhost by lrlab 0.1.0 (commit abc123); database results/x.db"));
  // Trials by status.
  CHECK_THAT(page, Contains("<tr><td>completed</td><td class=\"num\">3</td>") && Contains("<tr><td>failed</td><td class=\"num\">1</td>"));
  // The summary: lr 0.1 (mean 1.5) beats lr 0.2 (mean 3, one repeat missing).
  CHECK_THAT(page, Contains("<p class=\"verdict\">best: optimizer.learning_rate=0.1 (mean best_val_loss 1.5, lower is better); "
                            "vs runner-up optimizer.learning_rate=0.2: difference 2,"));
  CHECK_THAT(page, Contains("<code>lrlab summary results/x.db --experiment a&lt;b&gt;&amp;c --metric best_val_loss</code>"));
  // The summary's warnings, as the command prints them on stderr.
  CHECK_THAT(page, Contains("<li>warning: too few repeats: with 1 paired repeat the exact two-sided Wilcoxon"));
  // The curves, inline (SVG without its XML prologue), and the summary's intervals: lr 0.1 has two
  // repeats (1.0 and 2.0: mean 1.5, interval 1.5 -+ 12.706 * 0.5), lr 0.2 one (mean 3, no interval).
  CHECK(occurrences(page, "<svg") == 2);
  CHECK(page.find("<?xml") == std::string::npos);
  CHECK_THAT(page, Contains("<title>optimizer.learning_rate=0.1: mean 1.5, 95% interval -4.853 to 7.853</title>"));
  CHECK_THAT(page, Contains("<title>optimizer.learning_rate=0.2: mean 3, 95% interval  to </title>"));
  // The three actions of trial 1 grouped into one row with their count, the first message, and
  // where to find each action.
  CHECK(occurrences(page, "<td>plateau</td>") == 1);
  CHECK_THAT(page, Contains("<tr><td class=\"num\">1</td><td>{&quot;optimizer.learning_rate&quot;: 0.1}</td><td class=\"num\">0</td>"
                            "<td>reduce_on_plateau</td><td>lr_change</td><td class=\"num\">3</td><td class=\"num\">0</td>"
                            "<td class=\"num\">2</td>"));
  CHECK_THAT(page, Contains("every action, one row each: <code>lrlab export results/x.db --experiment 1 --table events</code>"));
  // The failed trial, with its error escaped.
  CHECK_THAT(page, Contains("<h2>Failed trials</h2>") && Contains("<td>bad &lt;input&gt;</td>"));
  CHECK_THAT(page, Contains("spec SHA-256 <code>cafe</code>"));
  CHECK_THAT(page, Contains("lrlab verify results/x.db --all"));
}

TEST_CASE("report_html: no actions and no failures say so or stay out", "[analysis][report]") {
  const fs::path db = report_db();
  sql_exec(db, "DELETE FROM events; DELETE FROM trials WHERE status = 'failed';");
  const sqlite::Connection c = open_results_read_only(db.string());
  ReportRequest request;
  request.db_path = db.string();
  const std::string page = report_html(c, choose_experiment(c, ""), request);
  CHECK_THAT(page, Contains("<p>No policy acted in this experiment.</p>"));
  CHECK(page.find("Failed trials") == std::string::npos);
  CHECK(page.find("the first") == std::string::npos);
}
