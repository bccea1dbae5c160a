// Searches through the CLI: the same trials bit for bit under --jobs 1 and 2 and after a kill -9
// and a rerun; raising `trials` keeps the trials stored and runs only the new ones; lowering it is
// refused. (The same under MPI ranks: tests/e2e/mpi_test.cpp.)
#include <catch2/catch.hpp>
#include <signal.h>

#include <cmath>
#include <map>
#include <sstream>

#include "lrlab/json.hpp"
#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// A conditional random search over the rate, beta_1 and the schedule on a quadratic of
// `dimension` parameters, 2 repeats of each point.
std::string search_spec(int trials, int dimension = 50, const std::string& type = "random") {
  return R"({
  "name": "searched", "seed": 21, "repeats": 2,
  "task": {"type": "quadratic", "dimension": )" + std::to_string(dimension) + R"(, "condition_number": 100, "steps_per_epoch": 50},
  "budget": {"steps": 300},
  "evaluate": {"every_steps": 100},
  "search": {"type": ")" + type + R"(", "trials": )" + std::to_string(trials) + R"(, "space": {
    "optimizer.learning_rate": {"distribution": "log_uniform", "low": 1e-4, "high": 1},
    "optimizer.beta_1": {"distribution": "uniform", "low": 0.8, "high": 0.95},
    "schedule": {"distribution": "choice", "values": [
      {"type": "constant"},
      {"type": "exponential_decay", "decay_steps": {"distribution": "int_uniform", "low": 50, "high": 150},
       "decay_rate": {"distribution": "log_normal", "median": 0.5, "std": 0.3}}]}
  }}
})";
}

// What a database holds for the trials below `n` (their rows in every table).
std::string content_below(const fs::path& db, int n) {
  std::string out;
  const std::string all = db_content(db);
  std::size_t pos = 0;
  while (pos < all.size()) {
    const std::size_t end = all.find('\n', pos);
    const std::string line = all.substr(pos, end - pos);
    if (std::stoi(line.substr(0, line.find('|'))) < n) out += line + "\n";
    pos = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("search: --jobs 1 and --jobs 2 store the same trials bit for bit, each with its drawn values", "[e2e][search]") {
  const fs::path dir = temp_dir("search_jobs");
  for (const char* type : {"random", "quasi_random"}) {
    INFO(type);
    write_file(dir / "spec.json", search_spec(12, 50, type));
    const std::string one = std::string(type) + "1.db", two = std::string(type) + "2.db";
    REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "1", "-q", "--db", one}, dir).rc == 0);
    REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", two}, dir).rc == 0);
    CHECK(db_content(dir / two) == db_content(dir / one));
    // 12 points x 2 repeats; the repeats of a point share its values, and its config holds them.
    CHECK(sql1(dir / one, "SELECT count(*) FROM trials WHERE status = 'completed'") == "24");
    CHECK(sql1(dir / one, "SELECT count(DISTINCT grid_json) FROM trials") == "12");
    CHECK(sql1(dir / one, "SELECT count(*) FROM trials WHERE json_extract(config_json, '$.optimizer.learning_rate') != "
                          "json_extract(grid_json, '$.\"optimizer.learning_rate\"')") == "0");
    CHECK(sql1(dir / one, "SELECT count(*) FROM trials WHERE json_extract(grid_json, '$.\"optimizer.learning_rate\"') "
                          "NOT BETWEEN 1e-4 AND 1") == "0");
    // The schedule drawn is the schedule run: the first recorded rate of an exponential decay is
    // the base rate, its rate at step 100 is rate x decay_rate^(100 / decay_steps).
    CHECK(sql1(dir / one, R"(SELECT count(*) FROM trials t JOIN steps s ON s.trial_id = t.trial_id AND s.step = 100
                             WHERE json_extract(t.grid_json, '$.schedule.type') = 'exponential_decay' AND
                             abs(s.lr - json_extract(t.config_json, '$.optimizer.learning_rate') *
                                 pow(json_extract(t.grid_json, '$.schedule.decay_rate'),
                                     100.0 / json_extract(t.grid_json, '$.schedule.decay_steps'))) > 1e-12 * s.lr)") == "0");
    CHECK(sql1(dir / one, "SELECT count(DISTINCT json_extract(grid_json, '$.schedule.type')) FROM trials") == "2");
  }
}

TEST_CASE("search: killed with SIGKILL mid-sweep, a rerun completes the same trials bit for bit", "[e2e][search][crash]") {
  const fs::path dir = temp_dir("search_kill");
  write_file(dir / "spec.json", search_spec(12, 50000));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "ref.db"}, dir).rc == 0);
  const pid_t pid = spawn_lrlab(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", "killed.db"}, "/dev/null", "run.err");
  const auto ended = wait_lrlab(pid, [&] {
    if (!fs::exists(dir / "killed.db")) return false;
    try {
      return std::stoi(sql1(dir / "killed.db", "SELECT count(*) FROM trials WHERE status = 'completed'")) >= 4;
    } catch (const std::exception&) {
      return false;
    }
  }, SIGKILL);
  INFO("exit " << ended.rc);
  const int done = std::stoi(sql1(dir / "killed.db", "SELECT count(*) FROM trials WHERE status = 'completed'"));
  CHECK(done >= 4);
  CHECK(ended.rc == 128 + SIGKILL);
  CHECK(done < 24);  // killed mid-sweep
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "killed.db"}, dir);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "killed.db") == db_content(dir / "ref.db"));
}

TEST_CASE("search: raising trials from 20 to 30 keeps the first 20 and runs 10, lowering it is refused", "[e2e][search][resume]") {
  const fs::path dir = temp_dir("search_grow");
  write_file(dir / "spec.json", search_spec(30));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "fresh30.db"}, dir).rc == 0);

  write_file(dir / "spec.json", search_spec(20));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "grow.db"}, dir).rc == 0);
  const fs::path db = dir / "grow.db";
  const std::string first20 = db_content(db);
  const std::string ids = sql1(db, "SELECT group_concat(trial_id || ':' || trial_key || ':' || run_id) FROM trials");
  REQUIRE(sql1(db, "SELECT count(*) FROM trials") == "40");  // 20 points x 2 repeats

  write_file(dir / "spec.json", search_spec(30));
  auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "grow.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.err, Contains("the spec grew: the 40 trials stored are kept, 20 added:\n  /search/trials: 20 -> 30"));
  CHECK_THAT(r.err, Contains("20 trials in") && Contains("resumed with 40 already done"));
  // The first 20 points' trials are untouched (ids, keys, the run that computed them, every row),
  // the new ones were run by the second run, and the whole is what a 30-trial run stores.
  CHECK(sql1(db, "SELECT group_concat(trial_id || ':' || trial_key || ':' || run_id) FROM trials WHERE trial_index < 40") == ids);
  CHECK(content_below(db, 40) == first20);
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE trial_index >= 40 AND run_id = 2 AND status = 'completed'") == "20");
  CHECK(db_content(db) == db_content(dir / "fresh30.db"));
  CHECK(sql1(db, "SELECT count(*) FROM experiments") == "1");
  CHECK(sql1(db, "SELECT json_extract(spec_json, '$.search.trials') FROM experiments") == "30");

  // Lowering it: exit 2, the pointer, nothing changed.
  const std::string before = db_content(db);
  write_file(dir / "spec.json", search_spec(25));
  r = run_lrlab({"run", "spec.json", "--db", "grow.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/search/trials: 30 -> 25") && Contains("10 of the 60 trials it holds are not in the new plan"));
  CHECK(db_content(db) == before);
  // Another change as well as the trials is a different spec, as always.
  write_file(dir / "spec.json", search_spec(40, 60));
  r = run_lrlab({"run", "spec.json", "--db", "grow.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("with a different spec"));
}

TEST_CASE("search: summary --regions bins each searched parameter, the same numbers SQL gives", "[e2e][search][summary]") {
  const fs::path dir = temp_dir("search_regions");
  write_file(dir / "spec.json", search_spec(24));
  REQUIRE(run_lrlab({"run", "spec.json", "--jobs", "2", "-q", "--db", "r.db"}, dir).rc == 0);
  const fs::path db = dir / "r.db";
  auto r = run_lrlab({"summary", "r.db", "--regions", "--bins", "4", "--metric", "best_val_loss", "--format", "csv"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  // parameter,region,low,high,configurations,mean,best,best_region, one line per region.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> got;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  CHECK(line == "parameter,region,low,high,configurations,mean,best,best_region");
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      else if (ch == ',' && !quoted) cells.push_back(std::exchange(cell, ""));
      else cell += ch;
    }
    cells.push_back(cell);
    REQUIRE(cells.size() == 8);
    if (cells[0] == "optimizer.learning_rate") {  // the exact bounds of a decade
      CHECK(std::stod(cells[3]) == Approx(10 * std::stod(cells[2])).epsilon(1e-12));
      CHECK(std::log10(std::stod(cells[2])) == Approx(std::round(std::log10(std::stod(cells[2])))).margin(1e-12));
    }
    cells.erase(cells.begin() + 2, cells.begin() + 4);
    got[{cells[0], cells[1]}] = cells;
  }
  // The rate, log-uniform over [1e-4, 1] in 4 bins: the four decades. Each configuration is the
  // mean of its two repeats; SQL groups them by decade.
  const auto by_decade = sql(db, R"(WITH conf AS (SELECT grid_json g, avg(best_val_loss) m FROM trials GROUP BY grid_json)
      SELECT CAST(floor(log10(json_extract(g, '$."optimizer.learning_rate"'))) AS INTEGER), count(*), avg(m), min(m)
      FROM conf GROUP BY 1 ORDER BY 1)");
  const std::map<int, std::string> region{{-4, "[0.0001, 0.001)"}, {-3, "[0.001, 0.01)"}, {-2, "[0.01, 0.1)"}, {-1, "[0.1, 1]"}};
  std::int64_t total = 0;
  for (const auto& row : by_decade) {
    const auto& cells = got.at({"optimizer.learning_rate", region.at(std::stoi(row[0]))});
    INFO("decade " << row[0]);
    CHECK(cells[2] == row[1]);
    CHECK(std::stod(cells[3]) == Approx(std::stod(row[2])).epsilon(1e-12));
    CHECK(std::stod(cells[4]) == Approx(std::stod(row[3])).epsilon(1e-12));
    total += std::stoll(row[1]);
  }
  CHECK(total == 24);
  // The schedule choice: one region per value; the conditional decay_rate counts only the
  // configurations that chose the decay.
  const std::string decays = sql1(db, "SELECT count(DISTINCT grid_json) FROM trials WHERE "
                                      "json_extract(grid_json, '$.schedule.type') = 'exponential_decay'");
  CHECK(got.at({"schedule", "exponential_decay(decay_steps=~int_uniform, decay_rate=~log_normal)"})[2] == decays);
  CHECK(got.at({"schedule", "constant"})[2] == std::to_string(24 - std::stoi(decays)));
  std::int64_t conditional = 0;
  for (const auto& [k, cells] : got)
    if (k.first == "schedule.decay_rate | schedule=exponential_decay") conditional += std::stoll(cells[2]);
  CHECK(std::to_string(conditional) == decays);
  // One best region per parameter: the best mean among the regions of two configurations or more.
  for (const std::string p : {"optimizer.learning_rate", "optimizer.beta_1", "schedule"}) {
    INFO(p);
    double best = 1e300;
    std::string best_region, marked;
    for (const auto& [k, cells] : got) {
      if (k.first != p) continue;
      if (std::stoll(cells[2]) >= 2 && std::stod(cells[3]) < best) best = std::stod(cells[3]), best_region = k.second;
      if (cells[5] == "1") marked += k.second;
    }
    CHECK(marked == best_region);
  }
  // In the table form the regions follow the ranking; on an experiment without a search,
  // --regions is an error.
  r = run_lrlab({"summary", "r.db"}, dir);
  CHECK_THAT(r.out, Contains("searched parameters:") && Contains("<- best"));
  write_file(dir / "grid.json", R"({"name": "g", "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1]},
    "budget": {"steps": 5}, "grid": {"optimizer.learning_rate": [0.1, 0.01]}})");
  REQUIRE(run_lrlab({"run", "grid.json", "-q", "--db", "g.db"}, dir).rc == 0);
  r = run_lrlab({"summary", "g.db", "--regions"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("has no search"));
}

TEST_CASE("search: a configuration drawn twice runs twice, bit-identical, and summary counts it once", "[e2e][search][summary]") {
  const fs::path dir = temp_dir("search_twice");
  write_file(dir / "spec.json", R"({"name": "twice", "seed": 3, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 4, "condition_number": 10, "noise_std": 1, "steps_per_epoch": 5},
    "budget": {"epochs": 2},
    "search": {"type": "random", "trials": 6, "space": {"optimizer.learning_rate": {"distribution": "choice", "values": [0.01, 0.1]}}}})");
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "t.db"}, dir).rc == 0);
  const fs::path db = dir / "t.db";
  REQUIRE(sql1(db, "SELECT count(*) FROM trials") == "12");
  REQUIRE(sql1(db, "SELECT count(DISTINCT trial_key) FROM trials") == "4");  // 2 rates x 2 repeats
  // The copies are bit-identical: every trial's loss equals the other copies' of its key.
  CHECK(sql1(db, "SELECT count(*) FROM (SELECT trial_key FROM trials GROUP BY trial_key "
                 "HAVING count(DISTINCT quote(best_val_loss)) > 1)") == "0");
  const auto r = run_lrlab({"summary", "t.db", "--format", "json", "--metric", "best_val_loss"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const auto rows = lrlab::Json::parse(r.out);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) CHECK(row["n"] == 2);
}
