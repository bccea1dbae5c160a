#include "lrlab/serve/api.hpp"

namespace lrlab::serve {

void require_experiment(const sqlite::Connection& c, std::int64_t id) {
  sqlite::Statement e(c, "SELECT 1 FROM experiments WHERE experiment_id = ?1");
  e.bind(1, id);
  if (!e.step()) throw HttpError(404, "no experiment " + std::to_string(id));
}

Json experiments_json(const sqlite::Connection& c, const Query& q) {
  const auto [offset, limit] = q.page(max_page_rows, max_page_rows);
  Json out = Json::array();
  sqlite::Statement s(c, "SELECT e.experiment_id, e.name, e.kind, e.created_at, count(t.trial_id), "
                         "sum(t.status NOT IN ('pending', 'running')) FROM experiments e "
                         "LEFT JOIN trials t USING(experiment_id) GROUP BY e.experiment_id ORDER BY e.experiment_id DESC "
                         "LIMIT ?1 OFFSET ?2");
  s.bind(1, limit);
  s.bind(2, offset);
  while (s.step())
    out.push_back({{"id", s.int64(0)}, {"name", s.text(1)}, {"kind", s.text(2)}, {"created_at", s.text(3)},
                   {"trials", s.int64(4)}, {"finished", s.is_null(5) ? 0 : s.int64(5)}});
  return out;
}

Json progress_json(const sqlite::Connection& c, std::int64_t experiment) {
  sqlite::Statement e(c, "SELECT name, kind FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment);
  if (!e.step()) throw HttpError(404, "no experiment " + std::to_string(experiment));
  Json counts = Json::object();
  for (const char* st : {"pending", "running", "completed", "diverged", "failed", "stopped_early", "pruned"}) counts[st] = 0;
  sqlite::Statement s(c, "SELECT status, count(*) FROM trials WHERE experiment_id = ?1 GROUP BY status");
  s.bind(1, experiment);
  std::int64_t total = 0, done = 0;
  while (s.step()) {
    counts[s.text(0)] = s.int64(1);
    total += s.int64(1);
    if (s.text(0) != "pending" && s.text(0) != "running") done += s.int64(1);
  }
  Json out{{"id", experiment}, {"name", e.text(0)}, {"kind", e.text(1)}, {"trials", total}, {"finished", done},
           {"by_status", counts}, {"running", false}};
  // The latest run: its time so far and, while it runs, the trials it finished, for an ETA. A resumed
  // run counts only what it finished itself (trials.run_id), so the rate is this run's.
  sqlite::Statement r(c, "SELECT run_id, (julianday(coalesce(ended_at, 'now')) - julianday(started_at)) * 86400, "
                         "ended_at IS NULL FROM runs WHERE experiment_id = ?1 ORDER BY run_id DESC LIMIT 1");
  r.bind(1, experiment);
  if (r.step()) {
    const double elapsed = r.real(1);
    const bool running = r.int64(2) != 0;
    out["elapsed_seconds"] = elapsed;
    out["running"] = running;
    sqlite::Statement f(c, "SELECT count(*) FROM trials WHERE run_id = ?1 AND status NOT IN ('pending', 'running')");
    f.bind(1, r.int64(0));
    f.step();
    const std::int64_t by_this_run = f.int64(0);
    if (running && by_this_run > 0 && done < total)
      out["eta_seconds"] = elapsed / static_cast<double>(by_this_run) * static_cast<double>(total - done);
  }
  return out;
}

}  // namespace lrlab::serve
