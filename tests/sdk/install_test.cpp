// The plugin author's path, end to end, as issue 8 describes it: install this build into a
// temporary prefix; scaffold a schedule, a policy and a task with the INSTALLED lrlab; build each
// out of tree against the installed CMake package by its README's commands, see its own test fail
// on the TODOs, fill them in (docs/examples/plugins/NAME), and see all three commands pass; run
// an experiment that uses all three through --plugin-dir; check the database with SQL.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// `bash -c command` in `cwd`, stdout and stderr together.
CliResult shell(const std::string& command, const fs::path& cwd) {
  const fs::path log = cwd / ".shell.log";
  const std::string cmd = "cd " + shell_quote(cwd.string()) + " && bash -c " + shell_quote(command) + " >" +
                          shell_quote(log.string()) + " 2>&1";
  const int status = std::system(cmd.c_str());
  CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(log), ""};
  fs::remove(log);
  return r;
}

std::set<std::string> plugin_files(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".so") names.insert(e.path().filename().string());
  return names;
}

// The commands of the README's "Build, test, run" block, one per line.
std::vector<std::string> readme_commands(const fs::path& readme) {
  const std::string text = read_file(readme);
  const auto begin = text.find("```sh\ncmake -B build");
  REQUIRE(begin != std::string::npos);
  const auto end = text.find("```", begin + 5);
  std::vector<std::string> lines;
  std::istringstream block(text.substr(begin + 6, end - begin - 6));
  for (std::string line; std::getline(block, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("install, scaffold three plugins, build them out of tree, run them together", "[sdk][install]") {
  const fs::path build = fs::path(LRLAB_BIN).parent_path();
  const fs::path work = temp_dir("sdk");
  const fs::path prefix = work / "prefix";
  const auto install = shell("cmake --install " + shell_quote(build.string()) + " --prefix " + shell_quote(prefix.string()), work);
  INFO(install.out);
  REQUIRE(install.rc == 0);

  // The layout: binary, built-in plugins (and no test plugins), SDK headers, CMake package.
  const fs::path lrlab = prefix / "bin" / "lrlab";
  CHECK(fs::exists(lrlab));
  CHECK(plugin_files(prefix / "lib" / "lrlab" / "plugins") == plugin_files(build / "plugins"));
  CHECK(plugin_files(prefix / "lib" / "lrlab" / "plugins").count("lrlab_decay.so") == 1);
  for (const char* h : {"sdk.hpp", "plugin.hpp", "version.hpp", "component.hpp", "param.hpp", "shared_data.hpp"})
    CHECK(fs::exists(prefix / "include" / "lrlab" / h));
  CHECK_FALSE(fs::exists(prefix / "include" / "lrlab" / "catalog.hpp"));  // the core's, not the SDK's
  for (const char* f : {"lrlabConfig.cmake", "lrlabConfigVersion.cmake", "lrlabTargets.cmake", "LrlabPlugin.cmake"})
    CHECK(fs::exists(prefix / "lib" / "cmake" / "lrlab" / f));

  // The installed binary finds its built-in plugins beside itself, from anywhere.
  const auto listed = shell(shell_quote(lrlab.string()) + " plugins", work);
  REQUIRE(listed.rc == 0);
  CHECK_THAT(listed.out, Contains((prefix / "lib" / "lrlab" / "plugins" / "lrlab_decay.so").string()));
  CHECK_THAT(listed.out, Contains("exponential_decay"));

  // Scaffold with the installed lrlab, then run each README's three commands as written.
  const std::vector<std::pair<std::string, std::string>> plugins{
      {"schedule", "my_staircase"}, {"policy", "halve_on_worse"}, {"task", "small_bowl"}};
  for (const auto& [kind, name] : plugins) {
    INFO(kind << " " << name);
    const auto made = shell(shell_quote(lrlab.string()) + " new-plugin " + kind + " " + name, work);
    INFO(made.out);
    REQUIRE(made.rc == 0);
    const fs::path dir = work / name;
    const std::vector<std::string> files{"CMakeLists.txt", name + ".cpp", name + "_test.cpp", "experiment.json", "README.md"};
    for (const auto& f : files)
      CHECK(fs::exists(dir / f));
    const auto commands = readme_commands(dir / "README.md");
    REQUIRE(commands.size() == 3);
    CHECK_THAT(commands[0], Contains("-DCMAKE_PREFIX_PATH=" + fs::weakly_canonical(prefix).string()));
    // Compiling is most of this test's time: unoptimised (CMake >= 3.22 takes CMAKE_BUILD_TYPE
    // from the environment, so the README's commands stay as written) and two jobs.
    const auto step = [&](const std::string& c) {
      return shell("CMAKE_BUILD_TYPE=None CMAKE_BUILD_PARALLEL_LEVEL=2 " + c, dir);
    };
    // As written, the scaffold builds and runs, and its own test fails, saying what to fill in.
    const auto built = step(commands[0]);
    INFO(built.out);
    REQUIRE(built.rc == 0);
    const auto unfilled = step(commands[1]);
    INFO(unfilled.out);
    CHECK(unfilled.rc != 0);
    CHECK_THAT(unfilled.out, Contains("fill in " + name + ".cpp's summary, formula and source: TODO"));
    CHECK(read_file(dir / (name + ".cpp")).find("TODO") != std::string::npos);
    // Filled in (docs/examples/plugins/NAME: the plugin an author writes from the scaffold), its
    // README's three commands succeed.
    for (const auto& f : fs::directory_iterator(fs::path(LRLAB_SOURCE_DIR) / "docs" / "examples" / "plugins" / name))
      fs::copy_file(f.path(), dir / f.path().filename(), fs::copy_options::overwrite_existing);
    for (const auto& c : commands) {
      INFO("$ " << c);
      const auto r = step(c);
      INFO(r.out);
      REQUIRE(r.rc == 0);
    }
    CHECK(fs::exists(dir / "build" / ("lrlab_" + name + ".so")));
    const fs::path db = dir / "results" / (name + ".db");
    CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") ==
          sql1(db, "SELECT count(*) FROM trials"));
  }

  // Scaffolding again into a folder that has files is refused; so is a name lrlab has already.
  const auto again = shell(shell_quote(lrlab.string()) + " new-plugin schedule my_staircase", work);
  CHECK(again.rc == 2);
  CHECK_THAT(again.out, Contains("exists and is not an empty folder"));
  const auto taken = shell(shell_quote(lrlab.string()) + " new-plugin schedule exponential_decay --dir x", work);
  CHECK(taken.rc == 2);
  CHECK_THAT(taken.out, Contains("a schedule named exponential_decay exists already"));

  // All three in one experiment, each from its own build folder.
  write_file(work / "all.json", R"({
    "name": "all_three", "seed": 3, "repeats": 2,
    "task": {"type": "small_bowl", "dimension": 4, "steps_per_epoch": 10},
    "optimizer": {"type": "adam", "learning_rate": 1.0},
    "schedule": {"type": "my_staircase", "decay_steps": 30, "decay_rate": 0.5},
    "policies": [{"type": "halve_on_worse", "factor": 0.5}],
    "budget": {"epochs": 12},
    "evaluate": {"every_steps": 5}
  })");
  std::string run = shell_quote(lrlab.string()) + " run all.json --db all.db --quiet";
  for (const auto& p : plugins) run += " --plugin-dir " + shell_quote((work / p.second / "build").string());
  const auto ran = shell(run, work);
  INFO(ran.out);
  REQUIRE(ran.rc == 0);
  const fs::path db = work / "all.db";
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed' AND steps_done = 120") == "2");
  CHECK(sql1(db, "SELECT DISTINCT json_extract(config_json, '$.task.type') FROM trials") == "small_bowl");

  // The rate of every step is the staircase times the product of the policy's factors so far.
  for (const auto& trial : sql(db, "SELECT trial_id FROM trials")) {
    const std::string id = trial[0];
    INFO("trial " << id);
    const auto events = sql(db, "SELECT step, new_lr / old_lr FROM events WHERE source = 'halve_on_worse' AND trial_id = " + id +
                                    " ORDER BY step");
    CHECK_FALSE(events.empty());  // a rate of 1.0 overshoots: val_loss gets worse between evaluations 5 steps apart
    std::size_t next = 0;
    double factor = 1.0;
    for (const auto& row : sql(db, "SELECT step, lr FROM steps WHERE trial_id = " + id + " ORDER BY step")) {
      const std::int64_t step = std::stoll(row[0]);
      for (; next < events.size() && std::stoll(events[next][0]) <= step; ++next) factor *= std::stod(events[next][1]);
      INFO("step " << step);
      CHECK(std::stod(row[1]) == Approx(1.0 * std::pow(0.5, static_cast<double>(step / 30)) * factor).epsilon(1e-12));
    }
  }
  // The task trained: the last evaluation is far below the first.
  CHECK(std::stod(sql1(db, "SELECT max(final_val_loss) FROM trials")) <
        0.1 * std::stod(sql1(db, "SELECT min(value) FROM evals WHERE metric = 'val_loss' AND step = 10")));
}
