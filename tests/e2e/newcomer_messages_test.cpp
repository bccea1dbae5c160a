// What a new user runs into first, through the CLI: a spec given where a database belongs, Adam
// looked up like a component, a type from a plugin that was not loaded, a plugin named so that
// lrlab would skip it. Each says what is wrong and what to do.
#include <catch2/catch.hpp>

#include "lrlab/json.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {
const char* small_spec = R"({"name": "bc", "task": {"type": "quadratic", "dimension": 3}, "budget": {"steps": 5}})";
}

TEST_CASE("messages: a spec where a database belongs is called a spec, for every reading command", "[e2e][messages]") {
  const fs::path dir = temp_dir("msg_spec_as_db");
  write_file(dir / "bc.json", small_spec);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"summary", "bc.json"}, {"report", "bc.json", "-o", "r.html"}, {"query", "bc.json", "SELECT 1"},
        {"export", "bc.json", "--table", "trials", "--format", "csv"}, {"verify", "bc.json"}}) {
    const auto r = run_lrlab(args, dir);
    INFO(args[0] << ": " << r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("bc.json is a JSON file (an experiment spec?), not a results database") &&
                          Contains("`lrlab run bc.json`"));
  }
  CHECK(read_file(dir / "bc.json") == small_spec);
  CHECK_FALSE(fs::exists(dir / "r.html"));
  // A .json that is not there: where results are.
  const auto r = run_lrlab({"summary", "missing.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("no database at missing.json") && Contains("results/<name>.db"));
}

TEST_CASE("messages: describe adam documents the optimizer's parameters, as text and JSON", "[e2e][messages]") {
  auto r = run_lrlab({"describe", "adam"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK_THAT(r.out, Contains("adam (optimizer") && Contains("Kingma & Ba"));
  for (const char* p : {"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay", "decoupled_weight_decay",
                        "epsilon_mode", "dtype"})
    CHECK_THAT(r.out, Contains(p));
  r = run_lrlab({"describe", "adam", "--format", "json"});
  REQUIRE(r.rc == 0);
  const auto j = lrlab::Json::parse(r.out);
  CHECK(j["kind"] == "optimizer");
  CHECK(j["name"] == "adam");
  bool beta_2 = false;
  for (const auto& p : j["parameters"])
    if (p["name"] == "beta_2") beta_2 = p["default"] == 0.999;
  CHECK(beta_2);
  // A misspelling is pointed at it.
  r = run_lrlab({"describe", "adamm"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("adam"));
}

TEST_CASE("messages: an unknown type suggests --plugin-dir and lrlab plugins", "[e2e][messages]") {
  const fs::path dir = temp_dir("msg_unknown_type");
  write_file(dir / "s.json", R"({"name": "u", "task": {"type": "quadratic", "dimension": 3}, "budget": {"steps": 5},
    "schedule": {"type": "inverse_sqrt"}})");
  const auto r = run_lrlab({"validate", "s.json"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/schedule") && Contains("unknown schedule type inverse_sqrt") &&
                        Contains("--plugin-dir DIR or LRLAB_PLUGIN_PATH") && Contains("`lrlab plugins`"));
}

TEST_CASE("messages: a plugin folder's .so files not named lrlab_*.so are named in a warning", "[e2e][messages]") {
  const fs::path dir = temp_dir("msg_plugin_names");
  fs::create_directories(dir / "plugins");
  // A real plugin, copied under a name lrlab skips.
  fs::path some;
  for (const auto& e : fs::directory_iterator(LRLAB_TEST_PLUGINS))
    if (e.path().extension() == ".so") some = e.path();
  REQUIRE(!some.empty());
  fs::copy_file(some, dir / "plugins" / "libinverse_sqrt.so");
  write_file(dir / "plugins" / "notes.txt", "not a library");
  const auto r = run_lrlab({"plugins", "--plugin-dir", "plugins"}, dir);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("plugin folder plugins holds .so files that are not loaded: libinverse_sqrt.so") &&
                        Contains("lrlab_<name>.so"));
  CHECK_THAT(r.err, !Contains("notes.txt"));
}

TEST_CASE("verify reloads an out-of-tree plugin from the path its run recorded, or names the folder to pass", "[e2e][plugins]") {
  const fs::path dir = temp_dir("verify_recorded_plugin");
  fs::create_directories(dir / "mine");
  for (const auto& e : fs::directory_iterator(LRLAB_TEST_PLUGINS))
    if (e.path().extension() == ".so") fs::copy_file(e.path(), dir / "mine" / e.path().filename());
  write_file(dir / "s.json", R"({"name": "p", "task": {"type": "faulty"}, "budget": {"steps": 12}, "repeats": 2})");
  REQUIRE(run_lrlab({"run", "s.json", "-q", "--db", "p.db", "--plugin-dir", "mine"}, dir).rc == 0);
  auto r = run_lrlab({"verify", "p.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("loaded from the path the run recorded") && Contains("2 identical, 0 different"));
  // Running the stored spec again needs no --plugin-dir either.
  r = run_lrlab({"run", "p.db", "--db", "again.db", "-q"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(sql1(dir / "again.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "2");
  // Another library at the recorded path is not loaded in its place.
  const fs::path recorded = dir / "mine" / "lrlab_faulty.so";
  fs::copy_file(fs::path(LRLAB_BIN).parent_path() / "plugins" / "lrlab_decay.so", dir / "decay.so");
  fs::rename(recorded, dir / "faulty.so");
  fs::copy_file(dir / "decay.so", recorded);
  r = run_lrlab({"verify", "p.db"}, dir);
  CHECK(r.rc != 0);
  CHECK_THAT(r.err, Contains("is not the library the run used") && !Contains("loaded from the path the run recorded"));
  fs::remove(recorded);
  fs::rename(dir / "faulty.so", recorded);
  // Moved away: the warning says which folder to pass; with it, verify succeeds.
  fs::rename(dir / "mine", dir / "moved");
  r = run_lrlab({"verify", "p.db"}, dir);
  CHECK(r.rc != 0);
  CHECK_THAT(r.err, Contains("which is gone: pass the folder that holds it now with --plugin-dir"));
  r = run_lrlab({"verify", "p.db", "--plugin-dir", "moved"}, dir);
  CHECK(r.rc == 0);
}
