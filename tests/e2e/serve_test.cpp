// lrlab serve: the routes answer from the database as SQL and lrlab summary say, bad requests get a
// 4xx and never reach the filesystem, and the server stops on SIGINT with exit 0. The page itself,
// live in Chromium: serve_browser_test.cpp.
#include <signal.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "support/cli.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

std::pair<int, std::string> http(int port, const std::string& raw) {
  const auto r = http_raw(port, raw);
  return {r.status, r.body};
}

std::pair<int, std::string> get(int port, const std::string& target) { return http(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n"); }

}  // namespace

TEST_CASE("serve: the routes answer as SQL counts, bad requests get 4xx, SIGINT stops it", "[e2e][serve]") {
  const fs::path dir = temp_dir("serve");
  write_file(dir / "spec.json", R"({"name": "served", "seed": 2, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 4, "condition_number": 10},
    "budget": {"steps": 30}, "grid": {"optimizer.learning_rate": [0.01, 0.1, 10.0]}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "s.db", "-q"}, dir).rc != 2);
  const auto [pid, port] = start_serve(dir, "s.db");

  auto [status, body] = get(port, "/");
  CHECK(status == 200);
  CHECK_THAT(body, Contains("/assets/app.js") && Contains("/assets/uPlot.iife.min.js"));
  CHECK(get(port, "/assets/uPlot.iife.min.js").second.size() == fs::file_size(fs::path(LRLAB_SOURCE_DIR) / "framework/serve/assets/vendor/uplot/uPlot.iife.min.js"));

  std::tie(status, body) = get(port, "/api/experiments");
  REQUIRE(status == 200);
  const auto list = nlohmann::json::parse(body);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["name"] == "served");
  CHECK(list[0]["trials"] == 6);

  std::tie(status, body) = get(port, "/api/experiments/" + std::to_string(list[0]["id"].get<int>()) + "/progress");
  REQUIRE(status == 200);
  const auto p = nlohmann::json::parse(body);
  for (const auto& [st, n] : p["by_status"].items())
    CHECK(std::to_string(n.get<int>()) == sql1(dir / "s.db", "SELECT count(*) FROM trials WHERE status = '" + st + "'"));
  CHECK(p["finished"] == 6);

  // Bad paths, ids and methods: a 4xx each, and the server still answers after them.
  for (const std::string t : {"/../../etc/passwd", "/assets/../../CMakeLists.txt", "/assets/%2e%2e/x", "/api/experiments/abc/progress",
                              "/api/experiments/0/progress", "/api/experiments/999/progress", "/api/experiments/-1/progress",
                              "/api/experiments/99999999999999999999999/progress", "//api/experiments", "/assets/", "relative",
                              "/api/experiments/1/progress/extra"}) {
    INFO(t);
    const int code = get(port, t).first;
    CHECK((code >= 400 && code < 500));
  }
  CHECK(get(port, "/" + std::string(3000, 'a')).first == 414);
  CHECK(http(port, "DELETE /api/experiments HTTP/1.1\r\nHost: localhost\r\n\r\n").first == 405);
  CHECK(http(port, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n").first == 431);
  CHECK(http(port, "not http at all\r\n\r\n").first == 400);
  CHECK(get(port, "/api/experiments").first == 200);

  // On 127.0.0.1 it answers for loopback names only: a page elsewhere whose name resolves here
  // (DNS rebinding) gets 421; HTTP/1.1 needs a Host, HTTP/1.0 does not.
  for (const std::string host : {"localhost", "127.0.0.1:8080", "LOCALHOST:1", "[::1]:80", "127.1.2.3"}) {
    INFO(host);
    CHECK(http(port, "GET /api/experiments HTTP/1.1\r\nHost: " + host + "\r\n\r\n").first == 200);
  }
  for (const std::string host : {"evil.example.com", "evil.example.com:8080", "localhost.evil.com", "127.0.0.1.evil.com"}) {
    INFO(host);
    const auto [code, text] = http(port, "GET /api/experiments HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    CHECK(code == 421);
    CHECK_THAT(text, Contains("loopback"));
  }
  CHECK(http(port, "GET /api/experiments HTTP/1.1\r\n\r\n").first == 400);
  CHECK(http(port, "GET /api/experiments HTTP/1.0\r\n\r\n").first == 200);

  // A client that sends half a header and stalls is dropped after the server's 5 s (the
  // connection closes without an answer), and meanwhile others are answered.
  const int stalled = connect_and_send(port, "GET /api/experiments HTTP/1.1\r\nHost: localhost\r\n");
  CHECK(get(port, "/api/experiments").first == 200);
  timeval wait_at_most{60, 0};
  setsockopt(stalled, SOL_SOCKET, SO_RCVTIMEO, &wait_at_most, sizeof wait_at_most);
  char byte = 0;
  CHECK(recv(stalled, &byte, 1, 0) == 0);  // closed by the server (-1 would be our 60 s passing)
  close(stalled);

  kill(pid, SIGINT);
  CHECK(wait_lrlab(pid).rc == 0);
}

namespace {

nlohmann::json get_json(int port, const std::string& target) {
  const auto [status, body] = get(port, target);
  INFO(target << " -> " << status << " " << body.substr(0, 300));
  REQUIRE(status == 200);
  return nlohmann::json::parse(body);
}

double as_double(const std::string& s) { return std::stod(s); }

// The rows the thinning keeps of n (api.hpp): every k-th from the first, k = ceil(n / 1000), and
// the last.
std::size_t thinned(std::size_t n) {
  const std::size_t k = (n + 999) / 1000;
  return (n + k - 1) / k + ((n - 1) % k != 0 ? 1 : 0);
}

}  // namespace

TEST_CASE("serve: trials, curves, summary, parameters and a trial's page say what SQL says", "[e2e][serve]") {
  const fs::path dir = temp_dir("serve-routes");
  write_file(dir / "spec.json", R"({"name": "routed", "seed": 5, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 3, "condition_number": 20, "noise_std": 0.3, "steps_per_epoch": 100},
    "optimizer": {"learning_rate": 0.3}, "budget": {"steps": 4100}, "evaluate": {"every_steps": 2},
    "policies": [{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 20}],
    "grid": {"schedule": [{"type": "constant"}, {"type": "cosine_decay", "decay_steps": 4100}]}})");
  write_file(dir / "other.json", R"({"name": "other", "seed": 1, "task": {"type": "quadratic", "dimension": 2, "condition_number": 4},
    "budget": {"steps": 10}, "grid": {"optimizer.learning_rate": [0.1]}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "s.db", "-q"}, dir).rc == 0);
  REQUIRE(run_lrlab({"run", "other.json", "--db", "s.db", "-q"}, dir).rc == 0);
  const fs::path db = dir / "s.db";
  const std::string ex = sql1(db, "SELECT experiment_id FROM experiments WHERE name = 'routed'");
  const std::string other_trial = sql1(db, "SELECT t.trial_id FROM trials t JOIN experiments e USING(experiment_id) WHERE e.name = 'other'");
  const std::string bytes_before = read_file(db);
  const auto [pid, port] = start_serve(dir, "s.db");
  const std::string api = "/api/experiments/" + ex;

  // Trials: the page SQL's ORDER BY trial_index LIMIT/OFFSET gives, seeds exact (as text).
  auto t = get_json(port, api + "/trials?offset=1&limit=2");
  CHECK(t["total"] == 4);
  REQUIRE(t["trials"].size() == 2);
  const auto page = sql(db, "SELECT trial_id, CAST(seed AS TEXT), status FROM trials WHERE experiment_id = " + ex +
                                " ORDER BY trial_index LIMIT 2 OFFSET 1");
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(std::to_string(t["trials"][i]["trial_id"].get<long long>()) == page[i][0]);
    CHECK(t["trials"][i]["seed"] == page[i][1]);
    CHECK(t["trials"][i]["status"] == page[i][2]);
  }
  CHECK(get_json(port, api + "/trials?status=completed")["total"] == std::stoi(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed' AND experiment_id = " + ex)));
  CHECK(get_json(port, api + "/trials?status=failed")["trials"].empty());

  // Curves: 4101 recorded steps and 2050 evaluations thinned to what the rule keeps, each kept
  // point the database's value at its step, the last step kept.
  const std::string id = page[0][0];
  auto c = get_json(port, api + "/curves?trials=" + id);
  REQUIRE(c["trials"].size() == 1);
  const auto& steps = c["trials"][0]["steps"];
  const auto rows = sql(db, "SELECT step, lr, train_loss FROM steps WHERE trial_id = " + id + " ORDER BY step");
  CHECK(steps["points"] == rows.size());
  REQUIRE(steps["step"].size() == thinned(rows.size()));
  CHECK(steps["step"].back().get<long long>() == std::stoll(rows.back()[0]));
  std::map<long long, std::pair<double, double>> at;
  for (const auto& r : rows) at[std::stoll(r[0])] = {as_double(r[1]), as_double(r[2])};
  for (std::size_t i = 0; i < steps["step"].size(); ++i) {
    const auto& want = at.at(steps["step"][i].get<long long>());
    CHECK(steps["lr"][i].get<double>() == want.first);
    CHECK(steps["train_loss"][i].get<double>() == want.second);
  }
  const auto& val = c["trials"][0]["evals"]["val_loss"];
  const auto evals = sql(db, "SELECT e.step, e.value FROM evals e WHERE e.trial_id = " + id + " AND e.metric = 'val_loss' ORDER BY e.step");
  CHECK(val["points"] == evals.size());
  REQUIRE(val["step"].size() == thinned(evals.size()));
  std::map<long long, double> val_at;
  for (const auto& r : evals) val_at[std::stoll(r[0])] = as_double(r[1]);
  for (std::size_t i = 0; i < val["step"].size(); ++i) {
    const long long s = val["step"][i].get<long long>();
    CHECK(val["value"][i].get<double>() == val_at.at(s));
    // The rate of the update that led to the evaluation: the last recorded step before it.
    const auto before = at.lower_bound(s);
    if (before == at.begin()) CHECK(val["lr"][i].is_null());
    else CHECK(val["lr"][i].get<double>() == std::prev(before)->second.first);
  }

  // Summary: lrlab summary's own JSON, row for row; the best row's mean is SQL's AVG of its trials.
  auto s = get_json(port, api + "/summary?metric=best_val_loss");
  const auto cli = run_lrlab({"summary", db.string(), "--experiment", "routed", "--metric", "best_val_loss", "--format", "json"});
  REQUIRE(cli.rc == 0);
  const auto table = nlohmann::json::parse(cli.out);
  REQUIRE(s["rows"].size() == table.size());
  for (std::size_t i = 0; i < table.size(); ++i)
    for (std::size_t col = 0; col < s["columns"].size(); ++col) {
      INFO(s["columns"][col]);
      CHECK(s["rows"][i][col] == table[i][s["columns"][col].get<std::string>()]);
    }
  const auto best_mean = sql1(db, "SELECT min(m) FROM (SELECT avg(best_val_loss) AS m FROM trials WHERE experiment_id = " + ex + " GROUP BY grid_json)");
  CHECK(s["rows"][0][std::find(s["columns"].begin(), s["columns"].end(), "mean") - s["columns"].begin()].get<double>() ==
        Approx(as_double(best_mean)).epsilon(1e-12));
  CHECK_THAT(s["verdicts"][0].get<std::string>(), Contains("schedule="));
  CHECK(s["metric_line"] == "metric: best_val_loss (lower is better)");

  // Parameters: the one searched key, each trial's value of the metric as SQL has it.
  auto p = get_json(port, api + "/params?metric=best_val_loss");
  CHECK(p["params"] == nlohmann::json::array({"schedule"}));
  for (const auto& trial : p["trials"])
    CHECK(trial["value"].get<double>() == as_double(sql1(db, "SELECT best_val_loss FROM trials WHERE trial_id = " + std::to_string(trial["trial_id"].get<long long>()))));

  // A trial's page: its configuration, every event, the run that wrote it and its plugins.
  auto one = get_json(port, "/api/trials/" + id);
  CHECK(one["config"] == nlohmann::json::parse(sql1(db, "SELECT config_json FROM trials WHERE trial_id = " + id)));
  CHECK(one["events"]["total"] == std::stoi(sql1(db, "SELECT count(*) FROM events WHERE trial_id = " + id)));
  CHECK(one["events"]["total"].get<int>() > 0);  // the plateau policy acted
  CHECK(one["events"]["rows"][0]["source"] == sql1(db, "SELECT source FROM events WHERE trial_id = " + id + " ORDER BY step, event_id LIMIT 1"));
  CHECK(one["provenance"]["run"]["command_line"] == sql1(db, "SELECT r.command_line FROM runs r JOIN trials t USING(run_id) WHERE t.trial_id = " + id));
  CHECK(one["provenance"]["run"]["plugins"].size() == std::stoul(sql1(db, "SELECT count(*) FROM run_plugins p JOIN trials t USING(run_id) WHERE t.trial_id = " + id + " AND p.used")));
  CHECK(get_json(port, "/api/trials/" + id + "?limit=1")["events"]["rows"].size() == 1);

  // HEAD: the GET's length, no body.
  const auto head = http_raw(port, "HEAD " + api + "/progress HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK_THAT(head.head, Contains("Content-Length: " + std::to_string(get(port, api + "/progress").second.size())));

  // Bad parameters: a 400 naming what is wrong; ids of nothing, or of another experiment's trial: 404.
  for (const auto& [target, code, says] : std::vector<std::tuple<std::string, int, std::string>>{
           {api + "/trials?limit=0", 400, "'limit' is an integer from 1 to 1000"},
           {api + "/trials?limit=1001", 400, "'limit'"},
           {api + "/trials?offset=-1", 400, "'offset'"},
           {api + "/trials?status=done", 400, "'status' is one of"},
           {api + "/trials?limit=1&limit=2", 400, "given twice"},
           {api + "/trials?limit=%zz", 400, "%-escape"},
           {api + "/curves?trials=1,,2", 400, "comma-separated"},
           {api + "/curves?trials=" + other_trial, 404, "no trial " + other_trial + " in experiment " + ex},
           {api + "/curves?trials=999999", 404, "no trial 999999"},
           {api + "/summary?metric=nope", 400, "neither a trials column"},
           {api + "/params?metric=nope", 400, "neither a trials column"},
           {"/api/experiments/999/summary", 404, "no experiment 999"},
           {"/api/trials/0", 400, "positive integer"},
           {"/api/trials/999999", 404, "no trial 999999"},
       }) {
    INFO(target);
    const auto [status, body] = get(port, target);
    CHECK(status == code);
    CHECK_THAT(body, Contains(says));
  }
  std::string many = api + "/curves?trials=1";
  for (int i = 2; i <= 65; ++i) many += "," + std::to_string(i);
  CHECK(get(port, many).first == 400);

  kill(pid, SIGINT);
  CHECK(wait_lrlab(pid).rc == 0);
  // Serving and every request above left the database as it was, byte for byte.
  CHECK(read_file(db) == bytes_before);
}

TEST_CASE("serve: a missing or foreign database, and a bad address, are errors before listening", "[e2e][serve]") {
  const fs::path dir = temp_dir("serve-bad");
  auto r = run_lrlab({"serve", "missing.db"}, dir);
  CHECK(r.rc == 2);
  write_file(dir / "empty.db", "");
  r = run_lrlab({"serve", "empty.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("not an lrlab results database"));
}
