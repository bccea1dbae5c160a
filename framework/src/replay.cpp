#include "lrlab/replay.hpp"

#include <algorithm>

#include "lrlab/errors.hpp"

namespace lrlab {

namespace {

Json config_of(const sqlite::Connection& c, std::int64_t trial_id) {
  sqlite::Statement s(c, "SELECT config_json FROM trials WHERE trial_id = ?1");
  s.bind(1, trial_id);
  if (!s.step()) throw SpecError("", "no trial with trial_id " + std::to_string(trial_id) + " in the database");
  return Json::parse(s.text(0));
}

}  // namespace

std::vector<Segment> lineage_of(const sqlite::Connection& c, std::int64_t trial_id) {
  std::vector<Segment> out;
  sqlite::Statement up(c, "SELECT parent_trial_id, step FROM lineage WHERE trial_id = ?1 AND parent_trial_id IS NOT NULL");
  std::int64_t t = trial_id;
  for (;;) {
    Segment seg{t, 0, config_of(c, t)};
    up.bind(1, t);
    const bool copied = up.step();
    std::int64_t parent = 0;
    if (copied) parent = up.int64(0), seg.from_step = up.int64(1);
    up.reset();
    out.push_back(std::move(seg));
    if (!copied) break;
    t = parent;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

ReplaySchedule replay_schedule(const std::vector<Segment>& segments) {
  const auto rate = [](const Json& config) { return config.at("optimizer").at("learning_rate").get<double>(); };
  ReplaySchedule r;
  r.learning_rate = rate(segments.front().config);
  if (segments.size() == 1) {
    r.schedule = segments.front().config.at("schedule");
    return r;
  }
  const bool constant = std::all_of(segments.begin(), segments.end(), [](const Segment& s) {
    return s.config.at("schedule").at("type") == "constant";
  });
  if (constant) {
    // Keras's boundaries: values[i] up to and including boundaries[i]; a segment from step s uses
    // its rate from s on, so the boundary before it is s - 1.
    Json boundaries = Json::array(), values = Json::array();
    for (const Segment& s : segments) {
      if (s.from_step > 0) boundaries.push_back(s.from_step - 1);
      const Json& sched = s.config.at("schedule");
      const auto own = sched.find("learning_rate");
      values.push_back(own != sched.end() && own->is_number() ? own->get<double>() : rate(s.config));
    }
    r.schedule = Json{{"type", "piecewise_constant"}, {"boundaries", boundaries}, {"values", values}};
    return r;
  }
  Json schedules = Json::array(), milestones = Json::array();
  for (const Segment& s : segments) {
    if (s.from_step > 0) milestones.push_back(s.from_step);
    schedules.push_back(Json{{"type", "rebase"}, {"learning_rate", rate(s.config)}, {"schedule", s.config.at("schedule")}});
  }
  r.schedule = Json{{"type", "sequential"}, {"restart", false}, {"milestones", milestones}, {"schedules", schedules}};
  return r;
}

std::int64_t pbt_winner(const sqlite::Connection& c, std::int64_t experiment_id) {
  sqlite::Statement e(c, "SELECT spec_json FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment_id);
  if (!e.step()) return 0;
  const Json search = Json::parse(e.text(0)).value("search", Json::object());
  if (!search.is_object()) return 0;
  const std::string metric = search.value("metric", "val_loss");
  const bool maximize = search.value("mode", "min") == "max";
  sqlite::Statement t(c, std::string("SELECT t.trial_id FROM trials t JOIN evals v ON v.trial_id = t.trial_id AND "
                                     "v.metric = ?2 AND v.step = (SELECT max(step) FROM evals WHERE trial_id = t.trial_id "
                                     "AND metric = ?2) WHERE t.experiment_id = ?1 AND t.status = 'completed' ORDER BY "
                                     "v.value ") + (maximize ? "DESC" : "ASC") + ", t.trial_id LIMIT 1");
  t.bind(1, experiment_id).bind(2, metric);
  return t.step() ? t.int64(0) : 0;
}

Json replay_spec(const sqlite::Connection& c, std::int64_t trial_id) {
  sqlite::Statement q(c, "SELECT e.spec_json, e.name, t.repeat, t.trial_index FROM trials t JOIN experiments e "
                         "USING (experiment_id) WHERE t.trial_id = ?1");
  q.bind(1, trial_id);
  if (!q.step()) throw SpecError("", "no trial with trial_id " + std::to_string(trial_id) + " in the database");
  Json spec = Json::parse(q.text(0));
  const std::string name = q.text(1);
  const std::int64_t repeat = q.int64(2);
  if (!spec.contains("search") || !spec["search"].is_object() || spec["search"].value("type", "") != "pbt")
    throw SpecError("", "trial " + std::to_string(trial_id) + " belongs to experiment \"" + name + "\", which is no "
                        "population-based training (its search is not \"pbt\"): rerun it with its own spec");
  const std::vector<Segment> segments = lineage_of(c, trial_id);
  const ReplaySchedule sched = replay_schedule(segments);
  const Json& last = segments.back().config;
  Json out = Json::object();
  out["name"] = name + "_replay_trial_" + std::to_string(trial_id);
  out["description"] = "trial " + std::to_string(trial_id) + " of experiment \"" + name + "\" (population-based training) "
                       "rerun from scratch as one trial: its lineage's " + std::to_string(segments.size()) +
                       (segments.size() == 1 ? " segment" : " segments");
  out["seed"] = spec.value("seed", Json(0));
  out["first_repeat"] = repeat;
  // The trial's configuration as resolved (what its row holds), with the lineage's rate and schedule.
  for (const char* section : {"task", "optimizer", "schedule", "policies", "budget", "evaluate", "record"})
    out[section] = last.at(section);
  out["optimizer"]["learning_rate"] = sched.learning_rate;
  out["schedule"] = sched.schedule;
  return out;
}

}  // namespace lrlab
