#include "lrlab/serve/routes.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "lrlab/analysis/results_db.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/serve/api.hpp"
#include "lrlab/serve/assets.hpp"

namespace lrlab::serve {

namespace {

// JSON text of `j`; bytes of a request echoed in it that are not UTF-8 (a metric name of bytes
// 0xA1...) become U+FFFD instead of throwing (the request fuzzer's first finding).
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Response error(int status, const std::string& what) { return {status, "application/json", dump(Json{{"error", what}})}; }

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

std::int64_t id_segment(std::string_view s, const char* what) {
  const auto id = positive_id(s);
  if (!id) throw HttpError(400, std::string(what) + " ids are positive integers (at most 2^63 - 1)");
  return *id;
}

// The /api routes; nullopt for a path that is none of them.
std::optional<Json> api(const std::vector<std::string_view>& seg, const Query& q, const sqlite::Connection& c) {
  if (seg.size() == 2 && seg[1] == "experiments") return experiments_json(c, q);
  if (seg.size() == 3 && seg[1] == "trials") return trial_json(c, id_segment(seg[2], "trial"), q);
  if (seg.size() != 4 || seg[1] != "experiments") return std::nullopt;
  const std::string_view what = seg[3];
  if (what != "progress" && what != "trials" && what != "curves" && what != "summary" && what != "params") return std::nullopt;
  const std::int64_t id = id_segment(seg[2], "experiment");
  if (what == "progress") return progress_json(c, id);
  if (what == "trials") return trials_json(c, id, q);
  if (what == "curves") return curves_json(c, id, q);
  if (what == "summary") return summary_json(c, id, q);
  return params_json(c, id, q);
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
    const Query q(target);
    const sqlite::Connection c = analysis::open_results_read_only(db.string());
    if (auto j = api(seg, q, c)) return {200, "application/json", dump(*j)};
    return error(404, "no such route");
  } catch (const HttpError& e) {
    return error(e.status, e.what());
  } catch (const SpecError& e) {
    return error(400, e.what());
  } catch (const std::exception& e) {
    return error(503, std::string("the database cannot be read now: ") + e.what());
  }
}

}  // namespace lrlab::serve
