// lrlab report: one self-contained HTML file with the summary, the curves as inline SVG, the
// policies' actions and the provenance; it renders in headless Chromium, screenshot taken.
#include <catch2/catch.hpp>
#include <regex>

#include "lrlab/json.hpp"

#include "support/chromium.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
const char* report_spec = R"({
  "name": "reported", "description": "two schedules with a plateau policy", "seed": 6, "repeats": 3,
  "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "noise_std": 0.3, "steps_per_epoch": 8},
  "optimizer": {"learning_rate": 0.5},
  "budget": {"epochs": 6},
  "evaluate": {"every_steps": 2},
  "policies": [{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 0}],
  "grid": {"schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 48}]}
})";

}  // namespace

TEST_CASE("report: one self-contained HTML file that renders in headless Chromium", "[analysis][report]") {
  const fs::path dir = temp_dir("report");
  write_file(dir / "spec.json", report_spec);
  auto r = run_lrlab({"run", "spec.json", "--db", "r.db", "--quiet"}, dir);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "r.db";
  r = run_lrlab({"report", db.string(), "-o", (dir / "report.html").string()});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const std::string page = read_file(dir / "report.html");
  CHECK_THAT(page, StartsWith("<!DOCTYPE html>"));
  // The experiment, its summary with the verdict, the curves, the policy events, the provenance.
  CHECK_THAT(page, Contains("<h1>reported</h1>") && Contains("two schedules with a plateau policy"));
  CHECK_THAT(page, Contains("class=\"verdict\">best: schedule=") && Contains("paired_t_p") && Contains("wilcoxon_p"));
  CHECK_THAT(page, Contains("<svg") && Contains("learning rate") && Contains("val_loss"));
  CHECK_THAT(page, Contains("<h2>Policy actions</h2>") && Contains("reduce_on_plateau"));
  CHECK_THAT(page, Contains(sql1(db, "SELECT spec_sha256 FROM experiments")));
  CHECK_THAT(page, Contains(sql1(db, "SELECT cpu_model FROM runs")));
  // The actions grouped: a row per trial and kind of action (with its count), and a count row per
  // kind, rather than a row per action.
  const int events = std::stoi(sql1(db, "SELECT count(*) FROM events"));
  REQUIRE(events > 0);
  std::size_t rows = 0;
  for (auto at = page.find("<td>reduce_on_plateau</td>"); at != std::string::npos; at = page.find("<td>reduce_on_plateau</td>", at + 1)) ++rows;
  const int kinds = std::stoi(sql1(db, "SELECT count(*) FROM (SELECT DISTINCT source, kind FROM events)"));
  const int per_trial = std::stoi(sql1(db, "SELECT count(*) FROM (SELECT DISTINCT trial_id, source, kind FROM events)"));
  CHECK(rows == static_cast<std::size_t>(per_trial + kinds));
  CHECK(per_trial < events);
  // The counts add up to every action.
  CHECK_THAT(page, Contains("--table events</code>"));
  // The summary as intervals, one row per configuration.
  CHECK_THAT(page, Contains("<svg class=\"intervals\"") && Contains("mean and 95% interval over repeats"));
  // Self-contained: nothing to fetch (links only within the page, the only URLs SVG's XML namespaces).
  CHECK_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*['"][^#]|url\(|@import|<script|<link)", std::regex::icase)));
  const std::string no_namespaces = std::regex_replace(page, std::regex(R"(xmlns(:\w+)?="[^"]*")"), "");
  CHECK(no_namespaces.find("http") == std::string::npos);

  // Headless Chromium, with every host unresolvable: it parses the page (the DOM holds the SVG and
  // the verdict), logs no console error, and takes the screenshot.
  const std::string browser = chromium();
  const std::string url = "file://" + (dir / "report.html").string();
  const std::string flags = " --headless --no-sandbox --disable-gpu --no-first-run --host-resolver-rules='MAP * ~NOTFOUND'"
                            " --user-data-dir=" + shell_quote((dir / "chromium-profile").string());
  auto dom = run_shell("timeout 120 " + shell_quote(browser) + flags + " --enable-logging=stderr --v=0 --dump-dom " + shell_quote(url), dir);
  INFO(dom.err);
  REQUIRE(dom.rc == 0);
  CHECK_THAT(dom.out, Contains("<svg") && Contains("class=\"verdict\">best: schedule="));
  CHECK_THAT(dom.err, !Contains("CONSOLE") && !Contains("Failed to load"));
  auto shot = run_shell("timeout 120 " + shell_quote(browser) + flags + " --window-size=1200,2600 --screenshot=" +
                            shell_quote((dir / "report.png").string()) + " " + shell_quote(url), dir);
  INFO(shot.err);
  REQUIRE(shot.rc == 0);
  const std::string png = read_file(dir / "report.png");
  REQUIRE(png.size() > 20000);  // a rendered page, not a blank one (a blank 1200x2600 PNG is a few kB)
  CHECK(png.substr(1, 3) == "PNG");
}

TEST_CASE("report: a missing database or experiment is a usage error and writes nothing", "[analysis][report]") {
  const fs::path dir = temp_dir("report-bad");
  auto r = run_lrlab({"report", (dir / "none.db").string(), "-o", (dir / "x.html").string()});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("no database at"));
  CHECK_FALSE(fs::exists(dir / "x.html"));
  CHECK_FALSE(fs::exists(dir / "none.db"));
}

namespace {
// What a person sees in a 1280-px window, measured by the page itself: a script added to a copy of
// the report (the report has none) writes into <body data-layout=...> the page's width against the
// window's, and the smallest text of every chart as rendered (its font size times the scale the
// browser draws the SVG at). Chromium's --dump-dom prints the DOM after the script ran.
const char* layout_script = R"JS(<script>
window.addEventListener('load', () => {
  const out = {page: document.documentElement.scrollWidth, window: document.documentElement.clientWidth,
               charts: 0, smallest_font: 1e9, wide_boxes: 0};
  for (const svg of document.querySelectorAll('svg')) {
    out.charts++;
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      out.smallest_font = Math.min(out.smallest_font, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
  }
  for (const box of document.querySelectorAll('.scroll, .chart'))
    if (box.getBoundingClientRect().right > out.window + 0.5) out.wide_boxes++;
  document.body.setAttribute('data-layout', JSON.stringify(out));
});
</script>)JS";
}  // namespace

TEST_CASE("report: a wide grid fits a 1280-px window, its chart text at 11 px or more (headless Chromium)", "[analysis][report]") {
  const fs::path dir = temp_dir("report-layout");
  // 3 schedules x 2 rates x 2 beta_2 with a plateau policy and an epoch rule: wide summary and
  // legends, many policy actions.
  write_file(dir / "spec.json", R"({
    "name": "wide", "seed": 3, "repeats": 3,
    "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "noise_std": 0.3, "steps_per_epoch": 8},
    "budget": {"epochs": 6}, "evaluate": {"every_epochs": 1},
    "policies": [{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 0},
                 {"type": "epoch_rule", "rules": [{"until_epoch": 100, "multiply": 0.9}]}],
    "grid": {"schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 48, "alpha": 0.01},
                          {"type": "warmup", "steps": 8, "schedule": {"type": "exponential_decay", "decay_steps": 8, "decay_rate": 0.7}}],
             "optimizer.learning_rate": [0.05, 0.2], "optimizer.beta_2": [0.99, 0.999]}
  })");
  auto r = run_lrlab({"run", "spec.json", "--db", "w.db", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  r = run_lrlab({"report", "w.db", "-o", "wide.html"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  std::string page = read_file(dir / "wide.html");
  CHECK(page.find("<script") == std::string::npos);
  page.insert(page.rfind("</body>"), layout_script);
  write_file(dir / "measured.html", page);

  const std::string flags = " --headless --no-sandbox --disable-gpu --no-first-run --host-resolver-rules='MAP * ~NOTFOUND'"
                            " --window-size=1280,900 --user-data-dir=" + shell_quote((dir / "chromium-profile").string());
  auto dom = run_shell("timeout 120 " + shell_quote(chromium()) + flags + " --dump-dom " +
                           shell_quote("file://" + (dir / "measured.html").string()), dir);
  INFO(dom.err);
  REQUIRE(dom.rc == 0);
  const std::smatch m = [&] {
    std::smatch found;
    std::regex_search(dom.out, found, std::regex("data-layout=\"([^\"]*)\""));
    return found;
  }();
  REQUIRE(m.size() == 2);
  const auto layout = lrlab::Json::parse(std::regex_replace(m[1].str(), std::regex("&quot;"), "\""));
  INFO(layout.dump());
  CHECK(layout["window"].get<double>() <= 1280);
  CHECK(layout["page"].get<double>() <= layout["window"].get<double>());  // no sideways scrolling of the page
  CHECK(layout["wide_boxes"] == 0);                                         // wide tables and charts scroll in their box
  CHECK(layout["charts"].get<int>() >= 2);                                  // the curves and the summary's intervals
  CHECK(layout["smallest_font"].get<double>() >= 11.0);
}
