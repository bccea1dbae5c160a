// The bad-input table: each case exits 2 with a message naming the problem and where, and leaves
// an existing database byte for byte unchanged.
#include <catch2/catch.hpp>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const std::string good = R"({
  "name": "keep", "seed": 1, "repeats": 1,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1], "steps_per_epoch": 5},
  "optimizer": {"learning_rate": 0.01},
  "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5},
  "budget": {"epochs": 2},
  "grid": {"optimizer.learning_rate": [0.01, 0.1]}
})";

// `good` with one substring replaced.
std::string bad(const std::string& from, const std::string& to) {
  std::string s = good;
  const auto at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("test bug: no " + from);
  return s.replace(at, from.size(), to);
}

struct Case {
  const char* what;
  std::string spec;                // written to spec.json ("" = leave none)
  std::vector<std::string> extra;  // more arguments after `run spec.json --db keep.db`
  std::string expect;              // in stderr
  std::string db = "keep.db";
};

}  // namespace

TEST_CASE("the bad-input table: exit 2, a message with the place, the database untouched", "[e2e][errors]") {
  const fs::path dir = temp_dir("badinput");
  write_file(dir / "spec.json", good);
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "keep.db"}, dir).rc == 0);
  const std::string keep = read_file(dir / "keep.db");
  REQUIRE_FALSE(fs::exists(dir / "keep.db-wal"));

  write_file(dir / "text.db", "not a database\n");
  {  // A database from a newer lrlab: an lrlab file with a higher schema version.
    sqlite3* h = nullptr;
    sqlite3_open((dir / "newer.db").c_str(), &h);
    sqlite3_exec(h, "PRAGMA application_id = 1280461890; PRAGMA user_version = 99; CREATE TABLE x(y);", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  {  // An SQLite file of someone else's.
    sqlite3* h = nullptr;
    sqlite3_open((dir / "foreign.db").c_str(), &h);
    sqlite3_exec(h, "CREATE TABLE accounts(id, balance); INSERT INTO accounts VALUES (1, 100);", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  const std::string broken = std::string(LRLAB_TEST_TMP) + "/../broken-plugins/";

  const std::vector<Case> cases{
      {"malformed JSON", bad("\"seed\": 1,", "\"seed\": 1,,"), {}, "spec.json:2:29: JSON syntax error"},
      {"not an object", "[1, 2]", {}, "the spec must be a JSON object"},
      {"a number beyond a double's range", bad("\"decay_rate\": 0.5", "\"decay_rate\": 5e999"), {},
       "spec.json:5:78: the number 5e999 is out of range"},
      {"truncated file", good.substr(0, 40), {}, "spec.json:2:"},
      {"wrong type of a number", bad("\"decay_steps\": 10", "\"decay_steps\": \"10\""), {},
       "/schedule/decay_steps: expected a number"},
      {"wrong type of a flag", bad("\"learning_rate\": 0.01}", "\"learning_rate\": 0.01, \"amsgrad\": \"yes\"}"), {},
       "/optimizer/amsgrad: expected true or false"},
      {"wrong type of repeats", bad("\"repeats\": 1", "\"repeats\": \"3\""), {}, "/repeats: expected an integer"},
      {"wrong type of a section", bad("\"budget\": {\"epochs\": 2}", "\"budget\": 2"), {}, "/budget"},
      {"misspelt schedule type", bad("\"exponential_decay\"", "\"exponential_deacy\""), {},
       "/schedule/type: unknown schedule type exponential_deacy; did you mean exponential_decay?"},
      {"unknown task type", bad("\"quadratic\"", "\"cubic\""), {}, "/task/type: unknown task type cubic"},
      {"misspelt parameter", bad("\"decay_rate\"", "\"decay_rat\""), {},
       "/schedule/decay_rat: unknown parameter; did you mean decay_rate?"},
      {"unknown top-level key", bad("\"seed\": 1", "\"sead\": 1"), {}, "/sead: unknown parameter; did you mean seed?"},
      {"beta_2 out of range", bad("\"learning_rate\": 0.01}", "\"learning_rate\": 0.01, \"beta_2\": 1}"), {},
       "/optimizer/beta_2: Argument `beta_2` must be in [0, 1). Received: beta_2=1"},
      {"zero learning rate", bad("[0.01, 0.1]", "[0, 0.1]"), {},
       "/grid/optimizer.learning_rate/0: Argument `learning_rate` must be > 0"},
      {"negative decay_rate", bad("\"decay_rate\": 0.5", "\"decay_rate\": -0.5"), {}, "/schedule/decay_rate"},
      {"empty grid list", bad("[0.01, 0.1]", "[]"), {}, "/grid/optimizer.learning_rate: the list of values is empty"},
      {"grid value not a list", bad("[0.01, 0.1]", "0.1"), {}, "/grid/optimizer.learning_rate: expected a list"},
      {"grid path with an unknown root", bad("\"optimizer.learning_rate\"", "\"optimiser.learning_rate\""), {},
       "/grid/optimiser.learning_rate"},
      {"grid path that does not exist", bad("\"optimizer.learning_rate\"", "\"optimizer.learning_rat\""), {},
       "/grid/optimizer.learning_rat/0: unknown parameter; did you mean learning_rate?"},
      {"grid path past a list's end", bad("\"optimizer.learning_rate\"", "\"policies.2.factor\""), {}, "past the end"},
      {"a bad value inside the grid", bad("[0.01, 0.1]", "[0.01, -0.1]"), {}, "/grid/optimizer.learning_rate/1"},
      {"zero repeats", bad("\"repeats\": 1", "\"repeats\": 0"), {}, "/repeats: Argument `repeats` must be >= 1"},
      {"missing budget", bad("\"budget\": {\"epochs\": 2},", ""), {}, "/budget: required parameter"},
      {"both budget forms", bad("{\"epochs\": 2}", "{\"epochs\": 2, \"steps\": 5}"), {}, "/budget: give exactly one"},
      {"evaluate every 0", bad("\"budget\"", "\"evaluate\": {\"every_steps\": 0}, \"budget\""), {}, "/evaluate/every_steps"},
      {"record every 0", bad("\"budget\"", "\"record\": {\"every_steps\": 0}, \"budget\""), {}, "/record/every_steps"},
      {"a name that is not a file name", bad("\"keep\"", "\"../keep\""), {}, "/name"},
      {"task lists of different lengths", bad("\"initial\": [1, 1]", "\"initial\": [1, 1, 1]"), {}, "/task/initial"},
      {"sequential milestones that do not fit", bad(R"({"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5})",
         R"({"type": "sequential", "schedules": [{"type": "constant"}, {"type": "constant"}], "milestones": [5, 9]})"), {},
       "/schedule/milestones"},
      {"missing spec file", "", {}, "cannot read spec file"},
      {"a different spec for the same database", bad("\"seed\": 1", "\"seed\": 2"), {}, "different spec"},
      {"a file that is not SQLite", good, {}, "is not an SQLite database", "text.db"},
      {"a database from a newer lrlab", good, {}, "schema version 99, newer than this lrlab's", "newer.db"},
      {"someone else's SQLite database", good, {}, "not an lrlab results database", "foreign.db"},
      {"a plugin folder that does not exist", good, {"--plugin-dir", "/no/such/plugins"}, "/no/such/plugins does not exist"},
      {"a library without the entry point", good, {"--plugin-dir", broken + "no_entry"}, "has no entry point lrlab_plugin_entry"},
      {"a library for another SDK version", good, {"--plugin-dir", broken + "other_sdk"}, "was built for lrlab SDK version"},
      {"a library with a missing dependency", good, {"--plugin-dir", broken + "missing_dep"}, "libgone.so"},
      {"bad usage: negative jobs", good, {"--jobs", "-1"}, "jobs"},
  };
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    fs::remove(dir / "spec.json");
    if (!c.spec.empty()) write_file(dir / "spec.json", c.spec);
    const std::string before = read_file(dir / c.db);
    std::vector<std::string> args{"run", "spec.json", "--db", c.db};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto r = run_lrlab(args, dir);
    INFO("stderr: " << r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains(c.expect));
    CHECK(read_file(dir / c.db) == before);
  }
  CHECK(read_file(dir / "keep.db") == keep);
}
