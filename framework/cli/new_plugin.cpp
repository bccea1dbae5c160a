// lrlab new-plugin schedule|policy|task NAME [--dir DIR]: writes a ready out-of-tree plugin
// project (CMakeLists.txt, NAME.cpp, NAME_test.cpp, experiment.json, README.md) that builds
// against the installed lrlab package with one command.
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"
#include "templates/policy.hpp"
#include "templates/project.hpp"
#include "templates/schedule.hpp"
#include "templates/task.hpp"

namespace lrlab::cli {
namespace {
namespace fs = std::filesystem;

struct NewPluginOptions {
  std::string kind;
  std::string name;
  fs::path dir;
};

// Every "@key@" in `text` replaced by its value.
std::string fill(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out(text);
  for (const auto& [key, value] : values) {
    const std::string mark = "@" + key + "@";
    for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at + value.size()))
      out.replace(at, mark.size(), value);
  }
  return out;
}

// A name that exists already would make specs ambiguous (or the plugin's library clash): refuse it
// now rather than at the user's first run.
void check_name(const NewPluginOptions& o, Kind kind) {
  if (!std::regex_match(o.name, std::regex("[a-z][a-z0-9_]{0,63}")))
    throw SpecError("", "the plugin name \"" + o.name +
                            "\" must be snake_case: a lowercase letter, then lowercase letters, digits or _ "
                            "(it names the component, the library lrlab_<name>.so and C++ symbols)");
  // `lrlab describe NAME` shows an optimizer before any component of that name.
  if (find_optimizer(o.name))
    throw SpecError("", "\"" + o.name + "\" is the name of an optimizer (`lrlab describe " + o.name +
                            "`): choose another name");
  const Catalog catalog = Catalog::standard({});
  for (const auto* c : catalog.components())
    if (c->kind == kind && c->name == o.name)
      throw SpecError("", std::string("a ") + to_string(kind) + " named " + o.name + " exists already (in " +
                              c->library + "): choose another name");
  for (const auto& lib : catalog.libraries())
    if (lib.name == o.name)
      throw SpecError("", "a plugin library named " + o.name + " exists already (" + lib.path.string() +
                              "): choose another name");
}

// The prefix of the running lrlab when it is an installation (it has the CMake package), else
// nothing: a build tree has no package for find_package() to find.
std::optional<fs::path> install_prefix() {
  const fs::path prefix = program_directory().parent_path();
  std::error_code ec;
  if (fs::exists(prefix / "lib" / "cmake" / "lrlab" / "lrlabConfig.cmake", ec)) return fs::weakly_canonical(prefix, ec);
  return std::nullopt;
}

int new_plugin(const NewPluginOptions& o) {
  const Kind kind = o.kind == "schedule" ? Kind::schedule : o.kind == "policy" ? Kind::policy : Kind::task;
  check_name(o, kind);
  const fs::path dir = o.dir.empty() ? fs::current_path() / o.name : fs::absolute(o.dir);
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    throw SpecError("", dir.string() + " exists and is not an empty folder: new-plugin never overwrites files; "
                                       "choose another --dir");

  std::string prefix, lrlab, install_note;
  if (const auto p = install_prefix()) {
    prefix = p->string();
    lrlab = (*p / "bin" / "lrlab").string();
  } else {
    prefix = "$HOME/.local";
    lrlab = "$HOME/.local/bin/lrlab";
    install_note = "\nThe lrlab that wrote this project is a build tree (" + program_directory().string() +
                   "),\nnot an installation: install it first, from lrlab's source folder:\n\n"
                   "```sh\ncmake --install build --prefix $HOME/.local\n```\n";
  }
  const std::vector<std::pair<std::string, std::string>> values{
      {"name", o.name}, {"kind", o.kind}, {"sdk_version", std::to_string(LRLAB_SDK_VERSION)},
      {"prefix", prefix}, {"lrlab", lrlab}, {"install_note", install_note}};

  using namespace templates;
  const std::string_view source = kind == Kind::schedule ? schedule_source : kind == Kind::policy ? policy_source : task_source;
  const std::string_view test = kind == Kind::schedule ? schedule_test : kind == Kind::policy ? policy_test : task_test;
  const std::string_view spec =
      kind == Kind::schedule ? schedule_experiment : kind == Kind::policy ? policy_experiment : task_experiment;
  const std::vector<std::pair<std::string, std::string_view>> files{{"CMakeLists.txt", cmake_lists},
                                                                    {o.name + ".cpp", source},
                                                                    {o.name + "_test.cpp", test},
                                                                    {"experiment.json", spec},
                                                                    {"README.md", readme}};
  fs::create_directories(dir);
  for (const auto& [file, text] : files) {
    std::ofstream out(dir / file, std::ios::binary);
    out << fill(text, values);
    if (!out.flush()) throw std::runtime_error("cannot write " + (dir / file).string());
  }
  std::cout << "wrote the " << o.kind << " plugin " << o.name << " in " << dir.string() << ":\n";
  for (const auto& f : files) std::cout << "  " << f.first << "\n";
  std::cout << "next, in that folder (see README.md):\n"
            << "  cmake -B build -DCMAKE_PREFIX_PATH=" << prefix << " && cmake --build build\n"
            << "  ctest --test-dir build --output-on-failure\n"
            << "  " << lrlab << " run experiment.json --plugin-dir build\n";
  return exit_ok;
}
}  // namespace

void add_new_plugin(CLI::App& app, Action& action) {
  auto o = std::make_shared<NewPluginOptions>();
  auto* cmd = app.add_subcommand("new-plugin", "write a ready plugin project: sources, test, experiment, README");
  cmd->add_option("kind", o->kind, "schedule, policy or task")
      ->required()
      ->check(CLI::IsMember({"schedule", "policy", "task"}));
  cmd->add_option("name", o->name, "snake_case name of the component and of the plugin")->required();
  cmd->add_option("--dir", o->dir, "folder to create (default: ./NAME); must not exist or be empty");
  cmd->callback([&action, o] { action = [o] { return new_plugin(*o); }; });
}

}  // namespace lrlab::cli
