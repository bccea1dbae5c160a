#pragma once
// SharedData: the per-sweep cache through which tasks share read-only data between trials.
// A data set named by 100 trials is loaded once (by whichever trial asks first; the others wait)
// and held once. Everything stored must be immutable after loading: trials read it from many
// threads at once without locks.
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace lrlab {

class SharedData {
 public:
  template <class T>
  std::shared_ptr<const T> get(const std::string& key, const std::function<std::shared_ptr<const T>()>& load) {
    std::unique_lock lock(mutex_);
    Entry& e = entries_[key];
    if (!e.loading && !e.value && !e.error) {
      e.loading = true;
      lock.unlock();
      std::shared_ptr<const void> value;
      std::exception_ptr error;
      try {
        value = load();
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      e.loading = false;
      e.value = value;
      e.error = error;
      ready_.notify_all();
    }
    ready_.wait(lock, [&] { return !e.loading; });
    if (e.error) std::rethrow_exception(e.error);
    return std::static_pointer_cast<const T>(e.value);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    bool loading = false;
    std::shared_ptr<const void> value;
    std::exception_ptr error;
  };
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::string, Entry> entries_;
};

}  // namespace lrlab
