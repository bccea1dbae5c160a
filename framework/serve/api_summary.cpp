#include <cmath>
#include <map>
#include <set>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/summary_metrics.hpp"
#include "lrlab/analysis/summary_table.hpp"
#include "lrlab/serve/api.hpp"

namespace lrlab::serve {

namespace {

Json cell_json(const analysis::Cell& cell) {
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return *i;
  if (const auto* d = std::get_if<double>(&cell)) return std::isfinite(*d) ? Json(*d) : Json();
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  return nullptr;
}

analysis::ExperimentChoice choice(const sqlite::Connection& c, std::int64_t experiment) {
  sqlite::Statement e(c, "SELECT name FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment);
  if (!e.step()) throw HttpError(404, "no experiment " + std::to_string(experiment));
  return {experiment, e.text(0)};
}

// The metrics a summary can rank by: the trials columns, then the experiment's evals metrics.
Json metrics(const sqlite::Connection& c, std::int64_t experiment) {
  Json out = Json::array();
  for (const auto& m : analysis::trial_metric_columns(c)) out.push_back(m);
  sqlite::Statement s(c, "SELECT DISTINCT metric FROM evals WHERE trial_id IN "
                         "(SELECT trial_id FROM trials WHERE experiment_id = ?1) ORDER BY metric");
  s.bind(1, experiment);
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::string metric_of(const sqlite::Connection& c, std::int64_t experiment, const Query& q) {
  const auto m = q.text("metric");
  return m && !m->empty() ? *m : analysis::default_metric(c, experiment);
}

}  // namespace

Json summary_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q) {
  const auto ex = choice(c, experiment);
  const auto [offset, limit] = q.page(100, max_page_rows);
  analysis::SummaryRequest request;
  request.metric = metric_of(c, experiment, q);
  const analysis::Summary s = analysis::summarize(c, ex, request);
  Json rows = Json::array();
  for (std::size_t i = static_cast<std::size_t>(std::min<std::int64_t>(offset, static_cast<std::int64_t>(s.table.rows.size())));
       i < s.table.rows.size() && rows.size() < static_cast<std::size_t>(limit); ++i) {
    Json row = Json::array();
    for (const auto& cell : s.table.rows[i]) row.push_back(cell_json(cell));
    rows.push_back(row);
  }
  return {{"experiment", experiment},
          {"metric", s.metric},
          {"metric_line", s.metric_line},
          {"metrics", metrics(c, experiment)},
          {"columns", s.table.columns},
          {"total", s.table.rows.size()},
          {"offset", offset},
          {"rows", rows},
          {"verdicts", s.verdicts},
          {"warnings", s.warnings},
          {"resources", s.resources}};
}

Json params_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q) {
  choice(c, experiment);
  const auto [offset, limit] = q.page(max_page_rows, max_page_rows);
  const std::string metric = metric_of(c, experiment, q);
  const auto values = analysis::metric_values(c, experiment, metric);

  // A grid key is searched when its value is not the same in every trial.
  std::map<std::string, std::set<std::string>> seen;
  sqlite::Statement g(c, "SELECT grid_json FROM trials WHERE experiment_id = ?1");
  g.bind(1, experiment);
  std::int64_t total = 0;
  while (g.step()) {
    ++total;
    const Json grid = Json::parse(g.text(0));
    for (const auto& [k, v] : grid.items()) seen[k].insert(v.dump());
  }
  Json params = Json::array();
  for (const auto& [k, v] : seen)
    if (v.size() > 1) params.push_back(k);

  sqlite::Statement s(c, "SELECT trial_id, status, grid_json FROM trials WHERE experiment_id = ?1 "
                         "ORDER BY trial_index LIMIT ?2 OFFSET ?3");
  s.bind(1, experiment);
  s.bind(2, limit);
  s.bind(3, offset);
  Json trials = Json::array();
  while (s.step()) {
    const Json grid = Json::parse(s.text(2));
    Json point = Json::object();
    for (const auto& p : params) {
      const std::string& name = p.get_ref<const std::string&>();
      const Json v = grid.contains(name) ? grid[name] : Json();
      point[name] = v.is_number() ? v : Json(analysis::value_label(v));
    }
    const auto it = values.find(s.int64(0));
    const double value = it == values.end() ? NAN : it->second;
    trials.push_back({{"trial_id", s.int64(0)}, {"status", s.text(1)}, {"params", point},
                      {"value", std::isfinite(value) ? Json(value) : Json()}});
  }
  return {{"experiment", experiment}, {"metric", metric},  {"metrics", metrics(c, experiment)},
          {"params", params},         {"total", total},    {"offset", offset},
          {"trials", trials}};
}

}  // namespace lrlab::serve
