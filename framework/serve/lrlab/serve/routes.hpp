#pragma once
// What `lrlab serve` answers, as a pure function of the request's method and target and the
// database: the HTTP server (http_server.hpp) only moves bytes. Every route reads the database
// through a read-only connection opened for the request (SQLite WAL: a running sweep's single
// writer is never blocked, and a reader never sees half a commit), and nothing a request names
// reaches the filesystem: the page and its assets are compiled into the binary.
//
//   GET /                                  the page (index.html)
//   GET /assets/NAME                       app.js, app.css, uPlot.iife.min.js, uPlot.min.css
//   GET /api/experiments                   every experiment: id, name, kind, created_at, trial counts
//   GET /api/experiments/ID/progress       counts by status (pending, running, completed, diverged,
//                                          failed, stopped_early, pruned), the elapsed time and an ETA
//
// Anything else is a 4xx with a JSON body {"error": ...}: an unknown path 404, a method other than
// GET or HEAD 405, an id that is not a positive integer 400, an unknown experiment 404, a target
// longer than max_target_bytes 414. Bodies are bounded: lists are paged (max_page_rows).
#include <cstddef>
#include <filesystem>
#include <string>

namespace lrlab::serve {

inline constexpr std::size_t max_target_bytes = 2048;
inline constexpr std::size_t max_page_rows = 1000;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

Response route(const std::string& method, const std::string& target, const std::filesystem::path& db);

}  // namespace lrlab::serve
