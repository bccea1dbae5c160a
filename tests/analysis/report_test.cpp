// lrlab report: one self-contained HTML file with the summary, the curves as inline SVG, the
// policies' actions and the provenance; it renders in headless Chromium, screenshot taken.
#include <catch2/catch.hpp>
#include <regex>

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

// Chromium from Debian's package (scripts/deps.sh installs it).
std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(p)) return p;
  FAIL("headless Chromium is needed for this test: sudo apt-get install chromium (scripts/deps.sh installs it)");
  return "";
}
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
  // Every event is listed (fewer than the 500 shown).
  const int events = std::stoi(sql1(db, "SELECT count(*) FROM events"));
  REQUIRE(events > 0);
  std::size_t rows = 0;
  for (auto at = page.find("<td>reduce_on_plateau</td>"); at != std::string::npos; at = page.find("<td>reduce_on_plateau</td>", at + 1)) ++rows;
  // The detail rows, and a count row per kind of action.
  const int kinds = std::stoi(sql1(db, "SELECT count(*) FROM (SELECT DISTINCT source, kind FROM events)"));
  CHECK(rows == static_cast<std::size_t>(events + kinds));
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
