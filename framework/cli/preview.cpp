// lrlab preview --schedule JSON --steps N [--base-lr X] [--steps-per-epoch K] [--format csv|json|table]
//               [--plot FILE.svg|FILE.png]
// The schedule's rate at steps 0..N-1, before any run: header step,epoch,lr. With --plot, the
// same values drawn (and beta_1 under them when the schedule sets it) instead of printed.
#include <cmath>
#include <iostream>

#include "commands.hpp"
#include "number_checks.hpp"
#include "gnuplot.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "output.hpp"
#include "schedule_option.hpp"

namespace lrlab::cli {
namespace {
struct PreviewOptions {
  std::string schedule;
  std::int64_t steps = 0;
  double base_lr = 1e-3;
  std::int64_t steps_per_epoch = 1;
  std::vector<std::filesystem::path> plugin_dirs;
  std::string format = "csv";
  std::string plot;
};

// The preview's columns as a chart: the rate, and beta_1 when the schedule cycles momentum.
void plot_preview(const Table& t, const std::string& schedule, const std::string& file) {
  std::vector<Panel> panels;
  for (std::size_t col = 2; col < t.columns.size(); ++col) {
    Curve c{t.columns[col], {}, {}, {}, {}};
    for (const auto& row : t.rows) {
      if (!std::holds_alternative<double>(row[col])) continue;
      const double v = std::get<double>(row[col]);
      c.x.push_back(static_cast<double>(std::get<std::int64_t>(row[0])));
      c.mean.push_back(v);
      c.low.push_back(v);
      c.high.push_back(v);
    }
    Panel p;
    p.title = col == 2 ? "learning rate" : t.columns[col];
    p.y_label = t.columns[col];
    p.curves.push_back(std::move(c));
    p.log_y = wants_log_y(p);
    panels.push_back(std::move(p));
  }
  draw_chart(panels, schedule, file);
  std::cerr << "lrlab: wrote " << file << "\n";
}

int preview(const PreviewOptions& o) {
  const Format format = parse_format(o.format);
  const ScheduleOption built(o.schedule, o.plugin_dirs, o.base_lr, o.steps, o.steps_per_epoch);
  const Schedule* s = &built.schedule();
  const Json& spec = built.spec();
  bool has_beta = false;
  for (std::int64_t t = 0; t < o.steps && !has_beta; ++t) has_beta = s->beta_1(t).has_value();
  Table t{{"step", "epoch", "lr"}, {}};
  if (has_beta) t.columns.push_back("beta_1");
  t.rows.reserve(static_cast<std::size_t>(o.steps));
  for (std::int64_t i = 0; i < o.steps; ++i) {
    std::vector<Cell> row{i, i / o.steps_per_epoch, s->value(i)};
    if (has_beta) {
      auto b = s->beta_1(i);
      row.push_back(b ? Cell(*b) : Cell(std::monostate{}));
    }
    t.rows.push_back(std::move(row));
  }
  if (!o.plot.empty()) plot_preview(t, spec.dump(), o.plot);
  else print(std::cout, t, format);
  return exit_ok;
}
}  // namespace

void add_preview(CLI::App& app, Action& action) {
  auto o = std::make_shared<PreviewOptions>();
  auto* cmd = app.add_subcommand("preview", "print a schedule's learning rate for each step, before any run");
  cmd->add_option("--schedule", o->schedule, "the schedule as JSON, e.g. '{\"type\": \"exponential_decay\", ...}'")->required();
  cmd->add_option("--steps", o->steps, "number of steps")->required()->check(positive_number());
  cmd->add_option("--base-lr", o->base_lr, "the optimizer's learning_rate (default 0.001)")->check(positive_number());
  cmd->add_option("--steps-per-epoch", o->steps_per_epoch, "for epoch numbers and \"unit\": \"epoch\" (default 1)")
      ->check(positive_number());
  add_plugin_dir_option(*cmd, o->plugin_dirs);
  cmd->add_option("--format", o->format, "csv (default), json or table");
  cmd->add_option("--plot", o->plot, "draw the schedule into this .svg or .png file (through gnuplot) instead");
  cmd->callback([&action, o] { action = [o] { return preview(*o); }; });
}

}  // namespace lrlab::cli
