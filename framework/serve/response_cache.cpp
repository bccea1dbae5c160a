#include "lrlab/serve/response_cache.hpp"

#include <sys/stat.h>

namespace lrlab::serve {

namespace {

std::uint64_t inode_of(const std::filesystem::path& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

}  // namespace

ResponseCache::ResponseCache(const std::filesystem::path& db, std::size_t max_bytes, std::chrono::milliseconds fresh_for)
    : db_(db), version_conn_(sqlite::open_read_only(db.string())), inode_(inode_of(db)), max_bytes_(max_bytes),
      fresh_for_(fresh_for) {}

std::pair<std::int64_t, std::int64_t> ResponseCache::version() {
  const std::lock_guard lock(version_mutex_);
  if (const auto now = inode_of(db_); now != inode_) {
    // Another file at the path (or none): follow it; the kept answers were the old file's.
    inode_ = now;
    ++file_;
    if (now != 0) {
      try {
        version_conn_.emplace(sqlite::open_read_only(db_.string()));
      } catch (const std::exception&) {
      }
    }
  }
  sqlite::Statement s(*version_conn_, "PRAGMA data_version");
  s.step();
  return {s.int64(0), file_};
}

Response ResponseCache::answer(const std::string& target, const std::function<Response()>& make) {
  const auto [version, file] = this->version();
  std::unique_lock lock(mutex_);
  Entry& e = entries_[target];
  done_.wait(lock, [&] { return !e.computing; });
  if (e.file == file &&
      (e.version == version || (e.version >= 0 && std::chrono::steady_clock::now() - e.made < fresh_for_)))
    return e.response;
  e.computing = true;
  lock.unlock();
  Response r;
  try {
    r = make();
  } catch (...) {
    lock.lock();
    e.computing = false;
    done_.notify_all();
    throw;
  }
  lock.lock();
  if (bytes_ + r.body.size() > max_bytes_) {
    // Start over, keeping the entries in computation (their waiters hold references to them).
    for (auto it = entries_.begin(); it != entries_.end();)
      it = it->second.computing ? std::next(it) : entries_.erase(it);
    bytes_ = 0;
  }
  bytes_ -= std::min(bytes_, e.response.body.size());
  e.response = r;
  e.version = version;
  e.file = file;
  e.made = std::chrono::steady_clock::now();
  e.computing = false;
  bytes_ += r.body.size();
  done_.notify_all();
  return r;
}

}  // namespace lrlab::serve
