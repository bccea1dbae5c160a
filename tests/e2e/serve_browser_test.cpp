// lrlab serve's page, live, in headless Chromium (Debian's chromium, as the report's test uses it):
// a sweep runs, the server serves its database, and one page session, never reloaded, must see
// trials finish (the progress) and a running trial's curve grow, in the polls it records
// (#poll-log). Every host but 127.0.0.1 is unresolvable: the page works offline.
// The screenshot is kept as an artifact: test-artifacts/serve_live.png in the build tree.
#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>

#include "support/chromium.hpp"
#include "support/cli.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

struct Poll {
  int finished;
  std::map<int, int> steps;  // each plotted trial's recorded steps
};

// The page's own record of its polls, from the dumped DOM.
std::vector<Poll> polls(const std::string& dom) {
  std::vector<Poll> out;
  const std::regex li(R"re(<li data-finished="(\d+)" data-curves="([^"]*)")re");
  const std::regex curve(R"re((\d+):(\d+))re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), li); it != std::sregex_iterator(); ++it) {
    Poll p{std::stoi((*it)[1]), {}};
    const std::string curves = (*it)[2];
    for (auto c = std::sregex_iterator(curves.begin(), curves.end(), curve); c != std::sregex_iterator(); ++c)
      p.steps[std::stoi((*c)[1])] = std::stoi((*c)[2]);
    out.push_back(p);
  }
  return out;
}

// Whether some trial's curve grew between two polls of the page (a running trial's rows arriving,
// or its last ones with its outcome).
bool a_curve_grew(const std::vector<Poll>& seen) {
  for (std::size_t i = 0; i < seen.size(); ++i)
    for (std::size_t j = i + 1; j < seen.size(); ++j)
      for (const auto& [trial, steps] : seen[i].steps)
        if (const auto later = seen[j].steps.find(trial); later != seen[j].steps.end() && later->second > steps) return true;
  return false;
}

}  // namespace

TEST_CASE("serve: in Chromium, the page follows a running sweep: progress and a curve update without a reload", "[e2e][serve][browser]") {
  const std::string browser = chromium();
  const fs::path dir = temp_dir("serve-live");
  // Trials of two or three seconds each, one at a time: the sweep outlasts the page's polls, and the
  // page (plotting the trials running and the latest finished) sees curves grow.
  write_file(dir / "spec.json", R"({"name": "live", "seed": 4, "repeats": 4,
    "task": {"type": "mlp", "data": ")" + (fs::path(LRLAB_SOURCE_DIR) / "experiments/data/digits.csv.gz").string() + R"(",
             "label_column": -1, "hidden": [192, 192], "activation": "relu", "init": "he", "standardize": true,
             "batch_size": 64, "split": {"validation": 0.1, "test": 0.1}},
    "budget": {"epochs": 300}, "evaluate": {"every_epochs": 1},
    "grid": {"optimizer.learning_rate": [0.001, 0.003, 0.01, 0.03],
             "schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 6900}]}})");
  const pid_t sweep = spawn_lrlab(dir, {"run", "spec.json", "--db", "live.db", "--jobs", "1", "-q"}, "sweep.out", "sweep.err");
  const fs::path db = dir / "live.db";
  auto running = [&] {
    try {
      return std::stoi(sql1(db, "SELECT count(*) FROM trials WHERE status = 'running'"));
    } catch (const std::exception&) {
      return -1;  // not created yet
    }
  };
  for (int i = 0; i < 600 && running() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(running() >= 1);
  const auto [server, port] = start_serve(dir, "live.db");
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const std::string flags = " --headless --no-sandbox --disable-gpu --no-first-run"
                            " --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
                            " --user-data-dir=" + shell_quote((dir / "chromium-profile").string());

  // One page load; virtual time runs the page's two-second polls back to back (a poll's requests
  // hold the clock while they are in flight), so 160 virtual seconds are some 80 polls and several
  // real seconds, while the sweep goes on finishing trials.
  auto dom = run_shell("timeout 300 " + shell_quote(browser) + flags + " --virtual-time-budget=160000 --dump-dom " + shell_quote(url), dir);
  INFO(dom.err.substr(0, 2000));
  REQUIRE(dom.rc == 0);
  const auto seen = polls(dom.out);
  REQUIRE(seen.size() >= 2);
  INFO(seen.size() << " polls; finished at the first " << seen.front().finished << ", at the last " << seen.back().finished);
  CHECK(seen.back().finished > seen.front().finished);
  CHECK(a_curve_grew(seen));
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].finished >= seen[i - 1].finished);
  // What the page shows is the database's: the experiment, the progress table, the panels.
  CHECK_THAT(dom.out, Catch::Matchers::Contains("Progress of live (sweep)") && Catch::Matchers::Contains("data-panel=\"train_loss\"") &&
                          Catch::Matchers::Contains("data-panel=\"val_loss\"") && Catch::Matchers::Contains("<canvas"));

  // The searched parameters' scatter has points (the finished trials' metric).
  std::smatch scatter;
  REQUIRE(std::regex_search(dom.out, scatter, std::regex(R"re(id="params-plot" data-points="(\d+)")re")));
  CHECK(std::stoi(scatter[1]) > 0);

  const fs::path artifacts = fs::path(LRLAB_BINARY_DIR) / "test-artifacts";
  fs::create_directories(artifacts);
  auto shot = run_shell("timeout 300 " + shell_quote(browser) + flags + " --window-size=1400,3400 --virtual-time-budget=8000 --screenshot=" +
                            shell_quote((artifacts / "serve_live.png").string()) + " " + shell_quote(url), dir);
  INFO(shot.err.substr(0, 2000));
  REQUIRE(shot.rc == 0);
  const std::string png = read_file(artifacts / "serve_live.png");
  CHECK(png.size() > 40000);  // a drawn page (a blank one is a few kB)
  CHECK(png.substr(1, 3) == "PNG");

  kill(server, SIGINT);
  CHECK(wait_lrlab(server).rc == 0);
  kill(sweep, SIGINT);
  const int rc = wait_lrlab(sweep).rc;
  CHECK((rc == 0 || rc == 130));  // finished, or stopped by the signal
}
