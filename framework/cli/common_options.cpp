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
  for (std::string p; std::getline(in, p, ',');) {
    const auto b = p.find_first_not_of(" \t"), e = p.find_last_not_of(" \t");  // "a, b" is a and b
    if (b != std::string::npos) out.push_back(p.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace lrlab::cli
