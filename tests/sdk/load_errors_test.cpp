// Load errors: each deliberately broken library of tests/plugins/broken, loaded through
// --plugin-dir, makes lrlab exit 2 with a message that says what is wrong, in which file, and what
// to do. Also: a duplicated component name is resolved by "library" in the spec.
#include <catch2/catch.hpp>

#include "lrlab/version.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const fs::path broken = fs::path(LRLAB_TEST_TMP).parent_path() / "broken-plugins";

// A three-step run on the built-in quadratic, with `schedule` as the spec's schedule.
std::string spec(const std::string& schedule) {
  return R"({"name": "load", "seed": 1, "repeats": 1,
    "task": {"type": "quadratic", "curvatures": [1], "initial": [1], "steps_per_epoch": 3},
    "optimizer": {"learning_rate": 0.1}, "schedule": )" +
         schedule + R"(, "budget": {"steps": 3}})";
}

// `lrlab run` of `schedule` in a fresh folder with --plugin-dir broken/<which>.
CliResult run_with(const std::string& which, const std::string& schedule, fs::path* dir_out = nullptr) {
  const fs::path dir = temp_dir("load-" + which);
  write_file(dir / "spec.json", spec(schedule));
  if (dir_out) *dir_out = dir;
  return run_lrlab({"run", "spec.json", "--db", "out.db", "--quiet", "--plugin-dir", (broken / which).string()}, dir);
}

std::string library(const std::string& which) { return (broken / which / ("lrlab_" + which + ".so")).string(); }

}  // namespace

TEST_CASE("a library without the entry point: named, and how to make one", "[sdk][load]") {
  const auto r = run_with("no_entry", R"({"type": "constant"})");
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains(library("no_entry")));
  CHECK_THAT(r.err, Contains("has no entry point lrlab_plugin_entry"));
  CHECK_THAT(r.err, Contains("lrlab_add_plugin()"));
}

TEST_CASE("a library for another SDK version: both versions and the file", "[sdk][load]") {
  const auto r = run_with("other_sdk", R"({"type": "constant"})");
  INFO(r.err);
  CHECK(r.rc == 2);
  const std::string sdk = std::to_string(LRLAB_SDK_VERSION);
  CHECK_THAT(r.err, Contains(library("other_sdk") + " was built for lrlab SDK version " + std::to_string(LRLAB_SDK_VERSION + 1) +
                             ", but this lrlab has SDK version " + sdk));
  CHECK_THAT(r.err, Contains("rebuild the plugin against this lrlab"));
}

TEST_CASE("a library whose dependency is missing: the loader's own words and the file", "[sdk][load]") {
  const auto r = run_with("missing_dep", R"({"type": "constant"})");
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("cannot load plugin library " + library("missing_dep")));
  CHECK_THAT(r.err, Contains("libgone.so: cannot open shared object file"));  // glibc's dlopen message
  CHECK_THAT(r.err, Contains("ldd " + library("missing_dep")));
}

TEST_CASE("a factory that throws: the component, its file and the message, before any trial", "[sdk][load]") {
  fs::path dir;
  const auto r = run_with("throwing", R"({"type": "throws_on_build"})", &dir);
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/schedule: the factory of schedule throws_on_build (" + library("throwing") +
                             ") failed: deliberate failure in the factory"));
  CHECK_FALSE(fs::exists(dir / "out.db"));  // failed up front: nothing written
}

TEST_CASE("two libraries with the same component name: both files named, \"library\" picks one", "[sdk][load]") {
  const auto decay = (fs::path(LRLAB_BIN).parent_path() / "plugins" / "lrlab_decay.so").string();
  {
    const auto r = run_with("duplicate", R"({"type": "constant"})");
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("/schedule/type: schedule constant is defined by several libraries:"));
    CHECK_THAT(r.err, Contains("\n  " + decay));
    CHECK_THAT(r.err, Contains("\n  " + library("duplicate")));
    CHECK_THAT(r.err, Contains("pick one with \"library\""));
  }
  // The decay plugin's constant keeps the optimizer's rate; the duplicate's halves it.
  for (const auto& [pick, lr] : {std::pair<std::string, double>{"decay", 0.1},
                                 {"lrlab_duplicate", 0.05},
                                 {library("duplicate"), 0.05}}) {
    INFO("library: " << pick);
    fs::path dir;
    const auto r = run_with("duplicate", R"({"type": "constant", "library": ")" + pick + R"("})", &dir);
    INFO(r.err);
    REQUIRE(r.rc == 0);
    const auto rates = sql(dir / "out.db", "SELECT DISTINCT lr FROM steps");
    REQUIRE(rates.size() == 1);
    CHECK(std::stod(rates[0][0]) == lr);
  }
  const auto r = run_with("duplicate", R"({"type": "constant", "library": "cyclical"})");
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("/schedule/type: no schedule named constant in library cyclical"));
}

TEST_CASE("registration that throws something other than a std::exception: exit 2, the file named, no abort", "[sdk][load]") {
  const auto r = run_with("throws_int", R"({"type": "constant"})");
  INFO(r.err);
  CHECK(r.rc == 2);  // today's main aborted (exit 134)
  CHECK_THAT(r.err, Contains(library("throws_int") + " failed while registering its components") &&
                        Contains("not a std::exception"));
}

TEST_CASE("a library that crashes while loading: the crash names it", "[sdk][load]") {
  const auto r = run_with("crashes", R"({"type": "constant"})");
  INFO(r.err);
  CHECK(r.rc != 0);
  CHECK_THAT(r.err, Contains("crashed while loading plugin library " + library("crashes")));
}

TEST_CASE("plugin folders and files anyone may write, and relative LRLAB_PLUGIN_PATH entries, are warned about",
          "[sdk][load]") {
  const fs::path dir = temp_dir("load-writable");
  write_file(dir / "spec.json", spec(R"({"type": "constant"})"));
  const fs::path open_dir = dir / "anyone";
  fs::create_directories(open_dir);
  fs::copy_file(broken / "duplicate" / "lrlab_duplicate.so", open_dir / "lrlab_duplicate.so");
  fs::permissions(open_dir, fs::perms::others_write, fs::perm_options::add);
  fs::permissions(open_dir / "lrlab_duplicate.so", fs::perms::others_write, fs::perm_options::add);
  auto r = run_lrlab({"validate", "spec.json", "--plugin-dir", open_dir.string()}, dir);
  INFO(r.err);
  CHECK_THAT(r.err, Contains("warning: plugin folder " + open_dir.string() + " is writable by every user"));
  CHECK_THAT(r.err, Contains("warning: plugin library " + (open_dir / "lrlab_duplicate.so").string() + " is writable by every user"));

  r = run_shell("LRLAB_PLUGIN_PATH=anyone " + shell_quote(LRLAB_BIN) + " plugins --format json >/dev/null", dir);
  CHECK_THAT(r.err + r.out, Contains("LRLAB_PLUGIN_PATH entry \"anyone\" is relative"));
}
