#include <cmath>

#include "lrlab/serve/api.hpp"

namespace lrlab::serve {

namespace {

Json number(const sqlite::Statement& s, int col) {
  if (s.is_null(col) || !std::isfinite(s.real(col))) return nullptr;
  return s.real(col);
}

// The series of one query (its rows ordered by step), thinned: when it has more than
// max_curve_points rows it keeps every k-th and the last, k = ceil(rows / max_curve_points), so a
// picture keeps its shape and its final value. Columns 0 and 1 are step and epoch (integers), the
// others numbers; `names` names them all.
Json series(sqlite::Statement& s, const std::vector<std::string>& names) {
  std::vector<Json> cols(names.size(), Json::array());
  std::int64_t rows = -1, stride = 1, i = 0;
  while (s.step()) {
    if (rows < 0) {
      rows = s.int64(static_cast<int>(names.size()));  // count(*) OVER ()
      stride = (rows + static_cast<std::int64_t>(max_curve_points) - 1) / static_cast<std::int64_t>(max_curve_points);
    }
    const bool keep = i % stride == 0 || i == rows - 1;
    ++i;
    if (!keep) continue;
    cols[0].push_back(s.int64(0));
    cols[1].push_back(s.int64(1));
    for (std::size_t c = 2; c < names.size(); ++c) cols[c].push_back(number(s, static_cast<int>(c)));
  }
  Json out = Json::object();
  for (std::size_t c = 0; c < names.size(); ++c) out[names[c]] = std::move(cols[c]);
  out["points"] = i;
  return out;
}

}  // namespace

Json curves_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q) {
  require_experiment(c, experiment);
  const auto ids = q.ids("trials", max_curve_trials);
  Json out = Json::array();
  for (const std::int64_t id : ids) {
    sqlite::Statement t(c, "SELECT experiment_id, status, steps_done FROM trials WHERE trial_id = ?1");
    t.bind(1, id);
    if (!t.step() || t.int64(0) != experiment)
      throw HttpError(404, "no trial " + std::to_string(id) + " in experiment " + std::to_string(experiment));
    Json trial{{"trial_id", id}, {"status", t.text(1)}, {"steps_done", t.int64(2)}};
    sqlite::Statement st(c, "SELECT step, epoch, lr, train_loss, count(*) OVER () FROM steps WHERE trial_id = ?1 ORDER BY step");
    st.bind(1, id);
    trial["steps"] = series(st, {"step", "epoch", "lr", "train_loss"});
    Json evals = Json::object();
    sqlite::Statement m(c, "SELECT DISTINCT metric FROM evals WHERE trial_id = ?1 ORDER BY metric");
    m.bind(1, id);
    while (m.step()) {
      // The rate of an evaluation after t updates: the last recorded step before it (as the
      // best_evals view says it), the update that led to it.
      sqlite::Statement ev(c, "SELECT e.step, e.epoch, (SELECT s.lr FROM steps s WHERE s.trial_id = e.trial_id AND "
                              "s.step < e.step ORDER BY s.step DESC LIMIT 1), e.value, count(*) OVER () FROM evals e "
                              "WHERE e.trial_id = ?1 AND e.metric = ?2 ORDER BY e.step");
      ev.bind(1, id);
      ev.bind(2, m.text(0));
      evals[m.text(0)] = series(ev, {"step", "epoch", "lr", "value"});
    }
    trial["evals"] = evals;
    out.push_back(trial);
  }
  return {{"experiment", experiment}, {"max_points", max_curve_points}, {"trials", out}};
}

}  // namespace lrlab::serve
