#include "lrlab/analysis/results_db.hpp"

#include "lrlab/errors.hpp"

namespace lrlab::analysis {

sqlite::Connection open_results_read_only(const std::string& path) { return sqlite::open_read_only(path); }

ExperimentChoice choose_experiment(const sqlite::Connection& c, const std::string& name) {
  sqlite::Statement s(c, name.empty() ? "SELECT experiment_id, name FROM experiments ORDER BY experiment_id DESC LIMIT 1"
                                      : "SELECT experiment_id, name FROM experiments WHERE name = ?1 "
                                        "ORDER BY experiment_id DESC LIMIT 1");
  if (!name.empty()) s.bind(1, name);
  if (s.step()) return {s.int64(0), s.text(1)};
  std::string known;
  sqlite::Statement all(c, "SELECT DISTINCT name FROM experiments ORDER BY name");
  while (all.step()) known += (known.empty() ? "" : ", ") + all.text(0);
  if (name.empty()) throw SpecError("", c.path() + " holds no experiment yet");
  throw SpecError("", "no experiment named \"" + name + "\" in " + c.path() +
                          (known.empty() ? std::string(" (it holds none)") : "; it holds: " + known));
}

}  // namespace lrlab::analysis
