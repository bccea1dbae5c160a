#include "commands.hpp"

namespace lrlab::cli {

std::string& invocation() {
  static std::string line;
  return line;
}

void add_plugin_dir_option(CLI::App& cmd, std::vector<std::filesystem::path>& dirs) {
  cmd.add_option("--plugin-dir", dirs, "another folder of plugin libraries (lrlab_*.so); repeatable")
      ->take_all()
      ->allow_extra_args(false);
}

}  // namespace lrlab::cli
