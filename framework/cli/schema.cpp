// lrlab schema [--plugin-dir DIR]... [-o FILE]: the JSON Schema of the experiment spec, generated
// from the declarations the validator uses, with every component the catalog loads (so a user's
// own plugins appear in it when their folder is given).
#include <iostream>

#include "commands.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/json_schema.hpp"
#include "output_file.hpp"

namespace lrlab::cli {
namespace {
struct SchemaOptions {
  std::vector<std::filesystem::path> plugin_dirs;
  std::string output;
};

int schema(const SchemaOptions& o) {
  const std::string text = spec_schema(Catalog::standard(o.plugin_dirs)).dump(2) + "\n";
  if (o.output.empty()) {
    std::cout << text;
    return exit_ok;
  }
  OutputFile out(o.output);
  out.stream() << text;
  out.commit();
  std::cerr << "lrlab: wrote the spec's JSON Schema to " << o.output << "\n";
  return exit_ok;
}
}  // namespace

void add_schema(CLI::App& app, Action& action) {
  auto o = std::make_shared<SchemaOptions>();
  auto* cmd = app.add_subcommand("schema", "print the JSON Schema of experiment specs, for editors");
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("-o,--output", o->output, "file to write (default: stdout)");
  cmd->callback([&action, o] { action = [o] { return schema(*o); }; });
}

}  // namespace lrlab::cli
