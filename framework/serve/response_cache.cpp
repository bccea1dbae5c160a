#include "lrlab/serve/response_cache.hpp"

namespace lrlab::serve {

ResponseCache::ResponseCache(const std::filesystem::path& db, std::size_t max_bytes, std::chrono::milliseconds fresh_for)
    : version_conn_(sqlite::open_read_only(db.string())), max_bytes_(max_bytes), fresh_for_(fresh_for) {}

std::int64_t ResponseCache::data_version() {
  const std::lock_guard lock(version_mutex_);
  sqlite::Statement s(version_conn_, "PRAGMA data_version");
  s.step();
  return s.int64(0);
}

Response ResponseCache::answer(const std::string& target, const std::function<Response()>& make) {
  const std::int64_t version = data_version();
  std::unique_lock lock(mutex_);
  Entry& e = entries_[target];
  done_.wait(lock, [&] { return !e.computing; });
  if (e.version == version || (e.version >= 0 && std::chrono::steady_clock::now() - e.made < fresh_for_)) return e.response;
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
  e.made = std::chrono::steady_clock::now();
  e.computing = false;
  bytes_ += r.body.size();
  done_.notify_all();
  return r;
}

}  // namespace lrlab::serve
