#include "commands.hpp"

#include <sstream>

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

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string p; std::getline(in, p, ',');)
    if (!p.empty()) out.push_back(p);
  return out;
}

}  // namespace lrlab::cli
