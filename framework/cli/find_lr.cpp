// lrlab find-lr SPEC [--start 1e-7] [--end 10] [--steps 100] [--mode exp|linear] [--smooth 0.98]
//                    [--diverge 4] [--repeats R] [--rule valley|steepest|minimum/10]
//                    [--plot FILE.svg|png] [--emit-search K [--decades D]]
//                    [--db FILE] [--jobs N] [--plugin-dir DIR]... [--fresh] [--quiet]
//
// The learning-rate range test of the spec's task (lrlab/analysis/lr_find_run.hpp does it): prints
// each seed's stop, the rules' rates (with several seeds, their median and range), the suggested
// rate and the SQL that reads the stored curve back. --emit-search prints a `search` block around
// the suggestion on stdout, ready to paste into a spec; the report then goes to stderr, so that
// `lrlab find-lr spec.json --emit-search 30 > search.json` keeps only the block.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "number_checks.hpp"
#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/analysis/lr_find_run.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "output.hpp"
#include "run_report.hpp"

namespace lrlab::cli {
namespace {

struct FindLrOptions {
  analysis::LrFindRequest request;
  std::string plot;
  std::int64_t emit_search = 0;
  bool emit = false;  // --emit-search was given
  double decades = 1.0;
  bool quiet = false;
};

// A rate in three significant digits: what a person copies into a spec.
std::string rate_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// The search block: a log-uniform range of `decades` decades each side of the suggestion.
std::string search_block(double suggestion, std::int64_t trials, double decades) {
  const double factor = std::pow(10.0, decades);
  return "\"search\": {\"type\": \"random\", \"trials\": " + std::to_string(trials) +
         ", \"space\": {\"optimizer.learning_rate\": {\"distribution\": \"log_uniform\", \"low\": " +
         rate_text(suggestion / factor) + ", \"high\": " + rate_text(suggestion * factor) + "}}}";
}

std::string sql_quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\\\"") : std::string(1, c);
  return q + "\"";
}

void print_report(std::ostream& out, const analysis::LrFindResult& r) {
  const analysis::LrFindSettings& s = r.settings;
  out << "learning-rate range test " << r.name << ": " << s.steps << " steps from " << message_number(s.start) << " to "
      << message_number(s.end) << " (" << s.mode << "), stopped once the smoothed train loss (beta " << message_number(s.smooth)
      << ") exceeds " << message_number(s.diverge) << " x its minimum\n\n";

  Table seeds{{"repeat", "seed", "status", "steps_done", "stopped_at", "lr_at_stop", "min_smoothed_loss", "min_step", "lr_at_min"}, {}};
  for (const auto& t : r.trials) {
    const auto& c = t.curve;
    std::size_t at_min = c.smoothed.size();
    for (std::size_t i = 0; i < c.smoothed.size(); ++i)
      if (std::isfinite(c.smoothed[i]) && (at_min == c.smoothed.size() || c.smoothed[i] < c.smoothed[at_min])) at_min = i;
    std::vector<Cell> row{t.repeat, t.seed, t.status, t.steps_done};
    if (t.stop_step) {
      row.emplace_back(*t.stop_step);
      std::size_t i = 0;
      while (i + 1 < c.steps.size() && c.steps[i] < *t.stop_step) ++i;
      row.emplace_back(c.steps.empty() ? Cell{} : Cell{c.lrs[i]});
    } else {
      row.insert(row.end(), {Cell{}, Cell{}});
    }
    if (at_min < c.smoothed.size()) row.insert(row.end(), {Cell{c.smoothed[at_min]}, Cell{c.steps[at_min]}, Cell{c.lrs[at_min]}});
    else row.insert(row.end(), {Cell{}, Cell{}, Cell{}});
    seeds.rows.push_back(std::move(row));
  }
  print(out, seeds, Format::table);
  out << "\n";

  const bool one = r.trials.size() == 1;
  Table rules{one ? std::vector<std::string>{"rule", "learning_rate", "step", "note"}
                  : std::vector<std::string>{"rule", "median", "min", "max", "seeds", "note"},
              {}};
  for (std::size_t k = 0; k < r.rules.size(); ++k) {
    const auto& rule = r.rules[k];
    const Cell note = std::string(rule.chosen ? "suggested" : "");
    if (!rule.spread) {
      rules.rows.push_back(one ? std::vector<Cell>{rule.rule, Cell{}, Cell{}, std::string("too few points")}
                               : std::vector<Cell>{rule.rule, Cell{}, Cell{}, Cell{}, std::int64_t{0}, std::string("too few points")});
      continue;
    }
    if (one) {
      const auto& t = r.trials.front();
      rules.rows.push_back({rule.rule, rule.spread->median, t.curve.steps[t.rules[k].pick->index], note});
    } else {
      rules.rows.push_back({rule.rule, rule.spread->median, rule.spread->min, rule.spread->max,
                            static_cast<std::int64_t>(rule.spread->n), note});
    }
  }
  print(out, rules, Format::table);
  out << "\n";
  if (r.suggestion)
    out << "suggested learning rate: " << rate_text(*r.suggestion) << " (" << s.rule
        << (one ? "" : ", the median over " + std::to_string(r.trials.size()) + " seeds")
        << (s.rule == analysis::default_lr_find_rule ? "; the default rule, --rule chooses another" : "") << ")\n";
  else
    out << "no suggestion: the " << s.rule << " rule found too few points (the rules skip the first steps/10 and the last 5 "
        << "recorded steps); raise --steps, or lower --start if the loss diverged early\n";
  const std::string db = r.db_path.string(), id = std::to_string(r.experiment_id);
  out << "curve:       lrlab query " << db << " " << sql_quoted("SELECT c.trial_id, c.step, c.learning_rate, c.loss, c.smoothed_loss "
                                                               "FROM lr_find_curve c JOIN trials t USING (trial_id) WHERE t.experiment_id = " +
                                                               id + " ORDER BY c.trial_id, c.step")
      << "\n";
  out << "suggestions: lrlab query " << db << " "
      << sql_quoted("SELECT trial_id, rule, learning_rate, step, chosen FROM lr_find_suggestions WHERE experiment_id = " + id) << "\n";
}

int find_lr(FindLrOptions& o) {
  // What can be checked before anything runs is, so that a bad option writes nothing.
  analysis::check_settings(o.request.settings);
  if (!o.plot.empty()) {
    const std::string ext = std::filesystem::path(o.plot).extension().string();
    if (ext != ".svg" && ext != ".png")
      throw SpecError("", "--plot: the picture must end in .svg or .png; received \"" + o.plot + "\"");
  }
  if (o.emit && o.emit_search < 1)
    throw SpecError("", "--emit-search: the search block's number of trials, at least 1; received " + std::to_string(o.emit_search));
  if (!(o.decades > 0) || !std::isfinite(o.decades))
    throw SpecError("", "--decades: a finite number > 0 of decades each side of the suggestion; received " + message_number(o.decades));

  install_stop_signals();
  o.request.run.command_line = invocation();
  o.request.run.progress = !o.quiet;
  o.request.run.stop = &stop_requested();
  const analysis::LrFindResult r = analysis::run_lr_find(o.request, print_run_summary);
  if (!r.reported) return r.exit_code;  // an MPI worker rank: rank 0 reports

  std::ostream& out = o.emit ? std::cerr : std::cout;
  out << "\n";
  print_report(out, r);
  if (!o.plot.empty() && r.trials.empty()) {
    std::cerr << "lrlab: nothing to plot: no trial of the test finished\n";
  } else if (!o.plot.empty()) {
    analysis::draw_chart(analysis::lr_find_chart(r), "", o.plot);
    std::cerr << "lrlab: wrote " << o.plot << "\n";
  }
  if (o.emit) {
    if (!r.suggestion) {
      std::cerr << "lrlab: error: no suggestion to build a search block around\n";
      return r.exit_code == exit_ok ? exit_trial_failed : r.exit_code;
    }
    std::cout << search_block(*r.suggestion, o.emit_search, o.decades) << "\n";
  }
  return r.exit_code;
}

}  // namespace

void add_find_lr(CLI::App& app, Action& action) {
  auto o = std::make_shared<FindLrOptions>();
  analysis::LrFindSettings& s = o->request.settings;
  RunRequest& run = o->request.run;
  auto* cmd = app.add_subcommand("find-lr", "the learning-rate range test of a spec's task: suggests a rate (fastai's lr_find)");
  cmd->add_option("spec", run.spec, "the experiment spec (JSON) whose task and Adam settings are tested")->required();
  cmd->add_option("--start", s.start, "the rate of the first update (default 1e-7)");
  cmd->add_option("--end", s.end, "the rate of the last update (default 10)");
  cmd->add_option("--steps", s.steps, "updates from start to end: the budget (default 100)");
  cmd->add_option("--mode", s.mode, "exp (default) or linear");
  cmd->add_option("--smooth", s.smooth, "beta of the smoothed loss (default 0.98)");
  cmd->add_option("--diverge", s.diverge, "stop once the smoothed loss exceeds this multiple of its minimum (default 4)");
  cmd->add_option("--repeats", s.repeats, "seeds, from the spec's seed as repeats always are (default 1)");
  cmd->add_option("--rule", s.rule, "the suggestion: valley (default), steepest or minimum/10");
  cmd->add_option("--plot", o->plot, "draw loss against rate: FILE.svg or FILE.png (gnuplot)");
  auto* emit = cmd->add_option("--emit-search", o->emit_search, "print a random-search block of K trials around the suggestion (stdout)");
  cmd->add_option("--decades", o->decades, "the search block's range: this many decades each side (default 1)");
  cmd->add_option("--db", run.db, "results database (default results/<name>_lr_find.db)");
  cmd->add_option("--jobs,-j", run.jobs, "seeds run in parallel (default: all cores)")->check(non_negative_number());
  add_plugin_dir_option(*cmd, run.plugin_dirs);
  cmd->add_flag("--fresh", run.fresh, "start a new test instead of resuming the one stored with the same settings");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress line");
  cmd->callback([&action, o, emit] {
    o->emit = emit->count() > 0;
    action = [o] { return find_lr(*o); };
  });
}

}  // namespace lrlab::cli
