#pragma once
// What `lrlab serve` answers, as a pure function of the request's method and target and the
// database: the HTTP server (http_server.hpp) only moves bytes. Every route reads the database
// through a read-only connection opened for the request (SQLite WAL: a running sweep's single
// writer is never blocked, and a reader never sees half a commit), and nothing a request names
// reaches the filesystem: the page and its assets are compiled into the binary.
//
//   GET /                                  the page (index.html)
//   GET /assets/NAME                       app.js, charts.js, app.css, uPlot.iife.min.js, uPlot.min.css
//   GET /api/experiments                   every experiment: id, name, kind, created_at, trial counts
//   GET /api/experiments/ID/progress       counts by status (pending, running, completed, diverged,
//                                          failed, stopped_early, pruned), the elapsed time and an ETA
//   GET /api/experiments/ID/trials         the trials, paged (?offset, ?limit, ?status)
//   GET /api/experiments/ID/curves         ?trials=3,4,...: their rate, loss and evals curves
//   GET /api/experiments/ID/summary        lrlab summary's table, verdict and warnings (?metric)
//   GET /api/experiments/ID/params         the searched parameters and each trial's metric (?metric)
//   GET /api/trials/ID                     one trial: configuration, events, provenance
//
// api.hpp says what each returns. Anything else is a 4xx with a JSON body {"error": ...}: an
// unknown path 404, a method other than GET or HEAD 405, an id that is not a positive integer or a
// bad query parameter 400, an unknown experiment or trial 404, a target longer than
// max_target_bytes 414. Bodies are bounded: lists are paged, curves thinned (api.hpp).
#include <cstddef>
#include <filesystem>
#include <string>

namespace lrlab::serve {

inline constexpr std::size_t max_target_bytes = 2048;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

Response route(const std::string& method, const std::string& target, const std::filesystem::path& db);

}  // namespace lrlab::serve
