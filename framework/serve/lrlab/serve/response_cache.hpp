#pragma once
// Answers of the /api routes, kept for as long as the database has not changed. Twenty open pages
// polling one sweep ask the same questions every two seconds; the cache answers each question once
// per commit of the sweep's writer, so the dashboard's cost does not grow with its readers (and a
// sweep watched by many runs as fast as one watched by none: bench/serve_polling.py).
//
// "Not changed" is SQLite's own word for it: PRAGMA data_version on one read-only connection held
// for the purpose (it changes whenever another connection commits; the connection holds no
// transaction between checks, so it never holds up a checkpoint). A running sweep commits several
// times a second, so an answer is also kept for `fresh_for` after it was made, changed database
// or not: a page polling every two seconds sees the database as it was at most that long ago, and
// each question costs one computation per `fresh_for` however many pages ask it. Identical
// requests that arrive while one is being answered wait for that answer rather than compute it
// again. A database file replaced under the same name (another inode) starts the cache over, at
// once. The cache holds at most `max_bytes` of bodies; when full it starts over.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lrlab/serve/routes.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::serve {

class ResponseCache {
 public:
  ResponseCache(const std::filesystem::path& db, std::size_t max_bytes, std::chrono::milliseconds fresh_for);

  // The answer to `target`: the kept one when the database is as it was then, else make().
  Response answer(const std::string& target, const std::function<Response()>& make);

 private:
  // data_version of the file now at the path, and which file that is (a count of replacements).
  std::pair<std::int64_t, std::int64_t> version();

  struct Entry {
    std::int64_t version = -1, file = -1;
    std::chrono::steady_clock::time_point made;
    bool computing = false;
    Response response;
  };

  std::mutex version_mutex_;
  std::filesystem::path db_;
  std::optional<sqlite::Connection> version_conn_;
  std::uint64_t inode_ = 0;
  std::int64_t file_ = 0;
  std::mutex mutex_;
  std::condition_variable done_;
  std::map<std::string, Entry> entries_;
  std::size_t bytes_ = 0, max_bytes_;
  std::chrono::milliseconds fresh_for_;
};

}  // namespace lrlab::serve
