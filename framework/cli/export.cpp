// lrlab export DB --table steps|evals|events|trials [--experiment NAME|ID] --format csv|jsonl [-o FILE]
//
// One table of one experiment, row by row, with grid values as columns (lrlab/analysis/export.hpp).
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/export.hpp"
#include "lrlab/errors.hpp"
#include "output_file.hpp"

namespace lrlab::cli {
namespace {

struct ExportOptions {
  std::string db, table, experiment, format = "csv", output;
};

int export_table(const ExportOptions& o) {
  const analysis::ExportFormat format = analysis::export_format_named(o.format);
  const analysis::ExportTable table = analysis::export_table_named(o.table);
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  const analysis::ExperimentChoice ex = analysis::choose_experiment(c, o.experiment);
  analysis::TableExport rows(c, ex, table, format);

  if (o.output.empty()) {
    rows.write(std::cout);
    std::cout.flush();
    if (!std::cout) throw StoreError("writing stdout failed");
    return exit_ok;
  }
  // Whole or not at all: an export cut short (an error, Ctrl-C) leaves an earlier file as it was.
  OutputFile file(o.output);
  const std::int64_t written = rows.write(file.stream());
  file.commit();
  std::cerr << "lrlab: wrote " << written << " rows of " << o.table << " (experiment \"" << ex.name << "\") to " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_export(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "write one table of an experiment as csv or jsonl, with grid values as columns");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--table", o->table, "steps, evals, events or trials")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name or id (default: the latest experiment)");
  cmd->add_option("--format", o->format, "csv (default) or jsonl (one JSON object per line)");
  cmd->add_option("-o,--output", o->output, "file to write (default: stdout)");
  cmd->callback([&action, o] { action = [o] { return export_table(*o); }; });
}

}  // namespace lrlab::cli
