#include "lrlab/serve/routes.hpp"

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/serve/assets.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::serve {

namespace {

Response error(int status, const std::string& what) { return {status, "application/json", Json{{"error", what}}.dump()}; }

Response json(const Json& j) { return {200, "application/json", j.dump()}; }

// The path's segments, the query string dropped; empty segments (a doubled or trailing '/') kept,
// so that they match no route.
std::vector<std::string_view> segments(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::vector<std::string_view> out;
  if (target.empty() || target.front() != '/') return {std::string_view("\x01")};  // no route
  target.remove_prefix(1);
  while (true) {
    const auto slash = target.find('/');
    out.push_back(target.substr(0, slash));
    if (slash == std::string_view::npos) break;
    target.remove_prefix(slash + 1);
  }
  return out;
}

// A positive id, or nullopt ("12x", "-1", "0", "99999999999999999999" are not ids).
std::optional<std::int64_t> id_of(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

Json experiments(const sqlite::Connection& c) {
  Json out = Json::array();
  sqlite::Statement s(c, "SELECT e.experiment_id, e.name, e.kind, e.created_at, count(t.trial_id), "
                         "sum(t.status IN ('completed', 'diverged', 'stopped_early', 'pruned')) FROM experiments e "
                         "LEFT JOIN trials t USING(experiment_id) GROUP BY e.experiment_id ORDER BY e.experiment_id DESC "
                         "LIMIT ?1");
  s.bind(1, static_cast<std::int64_t>(max_page_rows));
  while (s.step())
    out.push_back({{"id", s.int64(0)}, {"name", s.text(1)}, {"kind", s.text(2)}, {"created_at", s.text(3)},
                   {"trials", s.int64(4)}, {"finished", s.is_null(5) ? 0 : s.int64(5)}});
  return out;
}

std::optional<Json> progress(const sqlite::Connection& c, std::int64_t id) {
  sqlite::Statement e(c, "SELECT name FROM experiments WHERE experiment_id = ?1");
  e.bind(1, id);
  if (!e.step()) return std::nullopt;
  Json counts = Json::object();
  for (const char* st : {"pending", "running", "completed", "diverged", "failed", "stopped_early", "pruned"}) counts[st] = 0;
  sqlite::Statement s(c, "SELECT status, count(*) FROM trials WHERE experiment_id = ?1 GROUP BY status");
  s.bind(1, id);
  std::int64_t total = 0, done = 0;
  while (s.step()) {
    counts[s.text(0)] = s.int64(1);
    total += s.int64(1);
    if (s.text(0) != "pending" && s.text(0) != "running") done += s.int64(1);
  }
  // The run in progress (or the last one): its start and the trials finished since, for an ETA.
  sqlite::Statement r(c, "SELECT (julianday('now') - julianday(started_at)) * 86400, ended_at IS NULL FROM runs "
                         "WHERE experiment_id = ?1 ORDER BY run_id DESC LIMIT 1");
  r.bind(1, id);
  Json out{{"id", id}, {"name", e.text(0)}, {"trials", total}, {"finished", done}, {"by_status", counts}};
  if (r.step()) {
    const double elapsed = r.real(0);
    out["elapsed_seconds"] = elapsed;
    out["running"] = r.int64(1) != 0;
    if (r.int64(1) != 0 && done > 0 && done < total) out["eta_seconds"] = elapsed / static_cast<double>(done) * static_cast<double>(total - done);
  }
  return out;
}

}  // namespace

Response route(const std::string& method, const std::string& target, const std::filesystem::path& db) {
  if (target.size() > max_target_bytes) return error(414, "the request target is longer than " + std::to_string(max_target_bytes) + " bytes");
  if (method != "GET" && method != "HEAD") return error(405, "only GET and HEAD: serve never writes");
  const auto seg = segments(target);
  if (seg.size() == 1 && seg[0].empty()) {
    const auto page = find_asset("index.html");
    return {200, std::string(page->content_type), std::string(page->bytes)};
  }
  if (seg.size() == 2 && seg[0] == "assets" && seg[1] != "index.html") {
    if (const auto a = find_asset(seg[1])) return {200, std::string(a->content_type), std::string(a->bytes)};
    return error(404, "no such asset");
  }
  if (seg.empty() || seg[0] != "api") return error(404, "no such page");
  try {
    const sqlite::Connection c = sqlite::open_read_only(db.string());
    if (seg.size() == 2 && seg[1] == "experiments") return json(experiments(c));
    if (seg.size() == 4 && seg[1] == "experiments" && seg[3] == "progress") {
      const auto id = id_of(seg[2]);
      if (!id) return error(400, "an experiment id is a positive integer");
      if (auto p = progress(c, *id)) return json(*p);
      return error(404, "no experiment " + std::to_string(*id));
    }
  } catch (const std::exception& e) {
    return error(503, std::string("the database cannot be read now: ") + e.what());
  }
  return error(404, "no such route");
}

}  // namespace lrlab::serve
