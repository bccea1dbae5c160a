#include "lrlab/stored_spec.hpp"

#include <cstring>
#include <fstream>

#include "lrlab/errors.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab {

bool is_sqlite_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::memcmp(head, "SQLite format 3", 16) == 0;
}

StoredSpec load_stored_spec(const std::filesystem::path& db, const std::string& which) {
  const sqlite::Connection c = sqlite::open_read_only(db.string());
  const bool by_id = !which.empty() && which.size() < 19 && which.find_first_not_of("0123456789") == std::string::npos;
  // A name first (a name may be made of digits), then an id; empty: the latest experiment.
  const std::string columns = std::string("SELECT experiment_id, name, spec_json, spec_path, ") +
                              (c.has_column("experiments", "kind") ? "kind" : "'sweep'") + " FROM experiments ";
  sqlite::Statement s(c, which.empty() ? columns + "ORDER BY experiment_id DESC LIMIT 1"
                                       : columns + "WHERE name = ?1 OR (?2 AND experiment_id = ?3) "
                                                   "ORDER BY name = ?1 DESC, experiment_id DESC LIMIT 1");
  if (!which.empty()) s.bind(1, which).bind(2, std::int64_t{by_id}).bind(3, by_id ? static_cast<std::int64_t>(std::stoll(which)) : std::int64_t{-1});
  if (!s.step())
    throw SpecError("", which.empty() ? db.string() + " holds no experiment"
                                      : "no experiment named or numbered \"" + which + "\" in " + db.string());
  const std::string kind = s.is_null(4) ? "" : s.text(4);
  if (kind == "recorded" || kind == "lr_find")
    throw SpecError("", "experiment " + std::to_string(s.int64(0)) + " (\"" + s.text(1) + "\") of " + db.string() + " was made by " +
                            (kind == "recorded" ? "a Python loop (lrlab.Recorder)" : "`lrlab find-lr`") +
                            ", not from a spec: there is no spec to run");
  StoredSpec out;
  out.experiment_id = s.int64(0);
  out.name = s.text(1);
  const std::filesystem::path spec_path = s.is_null(3) ? std::filesystem::path() : std::filesystem::path(s.text(3));
  out.spec = parse_spec(s.text(2), db.string() + " (experiment " + std::to_string(out.experiment_id) + ")",
                        spec_path.empty() ? std::filesystem::current_path() : spec_path.parent_path());
  out.spec.file = spec_path;
  return out;
}

}  // namespace lrlab
