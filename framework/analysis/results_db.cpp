#include "lrlab/analysis/results_db.hpp"

#include <filesystem>

#include "lrlab/errors.hpp"

namespace lrlab::analysis {

sqlite::Connection open_results_read_only(const std::string& path) {
  sqlite::Connection c = sqlite::open_read_only(path);
  // An empty file, or another program's database, would fail later on a missing table.
  sqlite::Statement has(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'experiments'");
  if (has.step() && has.int64(0) == 0) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    throw SpecError("", path + " is not an lrlab results database: " +
                            (!ec && bytes == 0 ? std::string("the file is empty (0 bytes)") : std::string("it has no experiments table")) +
                            "; `lrlab run SPEC --db " + path + "` writes one");
  }
  return c;
}

ExperimentChoice choose_experiment(const sqlite::Connection& c, const std::string& which) {
  sqlite::Statement s(c, which.empty() ? "SELECT experiment_id, name FROM experiments ORDER BY experiment_id DESC LIMIT 1"
                                       : "SELECT experiment_id, name FROM experiments WHERE name = ?1 "
                                         "ORDER BY experiment_id DESC LIMIT 1");
  if (!which.empty()) s.bind(1, which);
  if (s.step()) return {s.int64(0), s.text(1)};
  if (!which.empty() && which.size() < 19 && which.find_first_not_of("0123456789") == std::string::npos) {
    sqlite::Statement by_id(c, "SELECT experiment_id, name FROM experiments WHERE experiment_id = ?1");
    by_id.bind(1, static_cast<std::int64_t>(std::stoll(which)));
    if (by_id.step()) return {by_id.int64(0), by_id.text(1)};
  }
  std::string known;
  sqlite::Statement all(c, "SELECT experiment_id, name FROM experiments ORDER BY experiment_id");
  while (all.step()) known += (known.empty() ? "" : ", ") + std::to_string(all.int64(0)) + " \"" + all.text(1) + "\"";
  if (which.empty()) throw SpecError("", c.path() + " holds no experiment yet");
  throw SpecError("", "no experiment named or numbered \"" + which + "\" in " + c.path() +
                          (known.empty() ? std::string(" (it holds none)") : "; it holds (id name): " + known));
}

}  // namespace lrlab::analysis
