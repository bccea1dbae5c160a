#include "lrlab/analysis/lr_find_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/exit_codes.hpp"
#include "lrlab/format.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/store.hpp"
#include "lrlab/writer_lock.hpp"

namespace lrlab::analysis {
namespace fs = std::filesystem;

namespace {

// The range test's spec as a file beside the user's, for the duration of the run: the runner reads
// a spec from a file and resolves its relative paths (data files) against that file's folder, so
// the file must be in the user's spec folder. Created exclusively, removed when the run is over
// (or fails); only a SIGKILL can leave it behind (`.<stem>.lr_find-<pid>.json`).
class SpecBeside {
 public:
  SpecBeside(const fs::path& spec, const std::string& text) {
    const fs::path dir = spec.has_parent_path() ? spec.parent_path() : fs::path(".");
    path_ = dir / ("." + spec.stem().string() + ".lr_find-" + std::to_string(getpid()) + ".json");
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
      throw SpecError("", "find-lr writes the range test's spec beside " + spec.string() + " while it runs (so that its "
                          "relative data paths resolve as the spec's do), and cannot create " + path_.string() + ": " +
                          std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        fs::remove(path_);
        throw SpecError("", "cannot write " + path_.string() + ": " + why);
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  ~SpecBeside() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  SpecBeside(const SpecBeside&) = delete;
  SpecBeside& operator=(const SpecBeside&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<LrFindRule> rules_over(const std::vector<LrFindTrial>& trials, const std::string& chosen) {
  std::vector<LrFindRule> out;
  for (std::size_t k = 0; k < lr_find_rules().size(); ++k) {
    std::vector<double> rates;
    for (const auto& t : trials)
      if (k < t.rules.size() && t.rules[k].pick) rates.push_back(t.rules[k].pick->learning_rate);
    out.push_back({lr_find_rules()[k], spread(rates), lr_find_rules()[k] == chosen});
  }
  return out;
}

// The rows the store writes: every trial's curve, each rule's pick per trial, and each rule's
// median over the trials (trial_id NULL), the chosen rule's marked.
void store_analysis(Store& store, const LrFindResult& r, const fs::path& spec_path) {
  std::vector<LrFindPoint> curve;
  std::vector<LrFindSuggestion> suggestions;
  for (const auto& t : r.trials) {
    for (std::size_t i = 0; i < t.curve.steps.size(); ++i)
      curve.push_back({t.trial_id, t.curve.steps[i], t.curve.lrs[i], t.curve.losses[i], t.curve.smoothed[i]});
    for (const auto& rule : t.rules)
      if (rule.pick) suggestions.push_back({t.trial_id, rule.rule, rule.pick->learning_rate, t.curve.steps[rule.pick->index], false});
  }
  for (const auto& rule : r.rules)
    if (rule.spread) suggestions.push_back({std::nullopt, rule.rule, rule.spread->median, std::nullopt, rule.chosen});
  store.write_lr_find(r.experiment_id, spec_path, curve, suggestions);
}

// The mean, minimum and maximum of the finite values of each column over rows of unequal length.
struct Band {
  std::vector<double> x, mean, low, high;
};
Band band(const std::vector<const std::vector<double>*>& rows, const std::vector<const std::vector<double>*>& xs) {
  Band b;
  std::size_t longest = 0;
  for (const auto* r : rows) longest = std::max(longest, r->size());
  for (std::size_t i = 0; i < longest; ++i) {
    double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo, x = 0;
    std::size_t n = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (i >= rows[k]->size() || !std::isfinite((*rows[k])[i])) continue;
      const double v = (*rows[k])[i];
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      x = (*xs[k])[i];  // the same rate in every trial: one schedule
      ++n;
    }
    if (n == 0) continue;
    b.x.push_back(x);
    b.mean.push_back(sum / static_cast<double>(n));
    b.low.push_back(lo);
    b.high.push_back(hi);
  }
  return b;
}

}  // namespace

void check_settings(const LrFindSettings& s) {
  auto bad = [](const std::string& option, const std::string& why) { throw SpecError("", option + ": " + why); };
  if (!(s.start > 0) || !std::isfinite(s.start)) bad("--start", "the first rate must be a finite number > 0; received " + message_number(s.start));
  if (!(s.end > s.start) || !std::isfinite(s.end))
    bad("--end", "the last rate must be finite and larger than --start (" + message_number(s.start) + "): the rate rises; received " +
                     message_number(s.end));
  if (s.steps < 6)
    bad("--steps", "at least 6 steps (the suggestion rules leave out the last 5, as fastai's do); received " + std::to_string(s.steps));
  if (s.steps > max_updates) bad("--steps", "at most 2^53 updates; received " + std::to_string(s.steps));
  if (s.mode != "exp" && s.mode != "linear") bad("--mode", "exp or linear; received \"" + s.mode + "\"");
  if (!(s.smooth >= 0 && s.smooth < 1)) bad("--smooth", "the moving average's beta must be in [0, 1); received " + message_number(s.smooth));
  if (!(s.diverge > 1) || !std::isfinite(s.diverge))
    bad("--diverge", "the stop factor must be a finite number > 1; received " + message_number(s.diverge));
  if (s.repeats < 1 || s.repeats > max_trials) bad("--repeats", "from 1 to 1000000 seeds; received " + std::to_string(s.repeats));
  const auto& rules = lr_find_rules();
  if (std::find(rules.begin(), rules.end(), s.rule) == rules.end())
    bad("--rule", "one of valley, steepest, minimum/10; received \"" + s.rule + "\"");
}

std::string lr_find_name(const std::string& name) { return name + "_lr_find"; }

Json lr_find_spec(const Json& spec, const LrFindSettings& s) {
  if (!spec.is_object()) throw SpecError("", "a spec is a JSON object; received " + std::string(spec.type_name()));
  if (!spec.contains("name") || !spec["name"].is_string())
    throw SpecError("/name", "required: the range test is named after the spec (<name>_lr_find), and this spec has no string name");
  if (!spec.contains("task"))
    throw SpecError("/task", "required: find-lr trains the spec's task, and this spec has none");
  const std::string name = spec["name"].get<std::string>();
  Json out = Json::object();
  out["name"] = lr_find_name(name);
  out["description"] = "Learning-rate range test of " + name + " (lrlab find-lr): the rate rising from " +
                       message_number(s.start) + " to " + message_number(s.end) + " over " + std::to_string(s.steps) +
                       " steps (" + s.mode + "), stopped once the smoothed train loss exceeds " + message_number(s.diverge) +
                       " x its minimum.";
  if (spec.contains("seed")) out["seed"] = spec["seed"];
  out["repeats"] = s.repeats;
  out["task"] = spec["task"];
  Json optimizer = spec.contains("optimizer") ? spec["optimizer"] : Json::object();
  if (optimizer.is_object()) optimizer.erase("learning_rate");  // range_test's rates are absolute
  out["optimizer"] = optimizer;
  out["schedule"] = Json{{"type", "range_test"}, {"start", s.start}, {"end", s.end}, {"steps", s.steps}, {"mode", s.mode}};
  out["policies"] = Json::array({Json{{"type", "divergence_stop"}, {"smooth", s.smooth}, {"diverge", s.diverge}}});
  out["budget"] = Json{{"steps", s.steps}};
  out["evaluate"] = Json{{"every_steps", s.steps}};  // the core evaluates at the end; the test needs no more
  out["record"] = Json{{"every_steps", 1}};
  return out;
}

LrFindResult analyse_lr_find(const sqlite::Connection& c, std::int64_t experiment_id, const LrFindSettings& s) {
  LrFindResult r;
  r.experiment_id = experiment_id;
  r.settings = s;
  sqlite::Statement trials(c, "SELECT trial_id, repeat, seed, status, steps_done FROM trials WHERE experiment_id = ?1 "
                              "ORDER BY trial_index");
  sqlite::Statement steps(c, "SELECT step, lr, train_loss FROM steps WHERE trial_id = ?1 ORDER BY step");
  sqlite::Statement stop(c, "SELECT min(step) FROM events WHERE trial_id = ?1 AND source = 'divergence_stop' AND kind = 'stop'");
  trials.bind(1, experiment_id);
  while (trials.step()) {
    LrFindTrial t;
    t.trial_id = trials.int64(0);
    t.repeat = trials.int64(1);
    t.seed = trials.int64(2);
    t.status = trials.text(3);
    t.steps_done = trials.int64(4);
    if (!is_finished(t.status)) continue;
    steps.bind(1, t.trial_id);
    while (steps.step()) {
      t.curve.steps.push_back(steps.int64(0));
      t.curve.lrs.push_back(steps.is_null(1) ? std::nan("") : steps.real(1));
      t.curve.losses.push_back(steps.is_null(2) ? std::nan("") : steps.real(2));
    }
    steps.reset();
    t.curve.smoothed = smoothed_losses(t.curve.losses, s.smooth);
    stop.bind(1, t.trial_id);
    if (stop.step() && !stop.is_null(0)) t.stop_step = stop.int64(0);
    stop.reset();
    t.rules = suggest(t.curve, s.steps);
    r.trials.push_back(std::move(t));
  }
  r.rules = rules_over(r.trials, s.rule);
  for (const auto& rule : r.rules)
    if (rule.chosen && rule.spread) r.suggestion = rule.spread->median;
  return r;
}

LrFindResult run_lr_find(const LrFindRequest& request, const std::function<void(const RunSummary&)>& report) {
  check_settings(request.settings);
  const Spec user = load_spec(request.run.spec);
  const Json spec = lr_find_spec(user.json, request.settings);
  SpecBeside file(request.run.spec, spec.dump(2) + "\n");

  RunRequest run = request.run;
  run.spec = file.path();
  run.isolate = false;
  run.worker = false;
  if (run.command_line.empty()) run.command_line = "lrlab find-lr " + request.run.spec.string();
  LrFindResult result;
  RunSummary summary;
  result.exit_code = run_experiment(run, [&](const RunSummary& s) {
    summary = s;
    result.reported = true;
    if (report) report(s);
  });
  if (!result.reported || result.exit_code == exit_write_failed) return result;  // an MPI worker; a full disk

  // The run has let go of the database: take it as its one writer again for the analysis.
  WriterLock lock(summary.db_path, run.command_line);
  Store store(summary.db_path);
  const auto ex = store.latest_experiment(summary.name);
  if (!ex) throw StoreError(summary.db_path.string() + " lost experiment \"" + summary.name + "\" during the run");
  const int code = result.exit_code;
  result = analyse_lr_find(store.connection(), ex->id, request.settings);
  result.name = summary.name;
  result.db_path = summary.db_path;
  result.exit_code = code;
  result.reported = true;
  std::error_code ec;
  store_analysis(store, result, fs::absolute(request.run.spec, ec));
  return result;
}

std::vector<Panel> lr_find_chart(const LrFindResult& r) {
  std::vector<const std::vector<double>*> raw, smooth, xs;
  for (const auto& t : r.trials) {
    raw.push_back(&t.curve.losses);
    smooth.push_back(&t.curve.smoothed);
    xs.push_back(&t.curve.lrs);
  }
  const std::string seeds = r.trials.size() == 1 ? "" : " (mean of " + std::to_string(r.trials.size()) + " seeds, band: min to max)";
  Panel p;
  p.title = "learning-rate range test: " + r.name;
  p.x_label = "learning rate (log scale)";
  p.y_label = "train loss";
  p.log_x = true;
  const Band b_raw = band(raw, xs), b_smooth = band(smooth, xs);
  p.curves.push_back({"train loss" + seeds, b_raw.x, b_raw.mean, b_raw.low, b_raw.high});
  p.curves.push_back({"smoothed (beta " + message_number(r.settings.smooth) + ")" + seeds, b_smooth.x, b_smooth.mean,
                      b_smooth.low, b_smooth.high});
  // Each suggestion on the mean smoothed curve, at the point nearest its rate (on the log scale).
  for (const auto& rule : r.rules) {
    if (!rule.spread || b_smooth.x.empty()) continue;
    const double lr = rule.spread->median;
    std::size_t at = 0;
    for (std::size_t i = 1; i < b_smooth.x.size(); ++i)
      if (std::abs(std::log(b_smooth.x[i] / lr)) < std::abs(std::log(b_smooth.x[at] / lr))) at = i;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.3g", lr);
    Curve mark{rule.rule + " " + rate + (rule.chosen ? " (suggested)" : ""), {lr}, {b_smooth.mean[at]},
               {b_smooth.mean[at]}, {b_smooth.mean[at]}};
    mark.points = true;
    p.curves.push_back(std::move(mark));
  }
  // The smoothed curve decides the height: a raw loss that has blown up at the end would squash it.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* b : {&b_raw, &b_smooth})
    for (const double v : b->low) lo = std::min(lo, v);
  for (const double v : b_smooth.high) hi = std::max(hi, v);
  if (b_raw.mean.size() > 0) hi = std::max(hi, b_raw.mean.front());
  if (std::isfinite(lo) && std::isfinite(hi) && hi > lo) {
    const double margin = 0.05 * (hi - lo);
    p.y_range = std::make_pair(lo - margin, hi + margin);
  }
  return {p};
}

}  // namespace lrlab::analysis
