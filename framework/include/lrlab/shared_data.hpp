#pragma once
// SharedData: the per-sweep cache through which tasks share read-only data between trials.
// A data set named by 100 trials is loaded once (by whichever trial asks first; the others wait)
// and held once. Everything stored must be immutable after loading: trials read it from many
// threads at once without locks.
//
// It also collects the input files the tasks read (note_input): the core hashes each one once
// planning is done and records the hashes with the experiment, so that a resume refuses to mix
// trials made from different data, and MPI ranks check that they read the same bytes.
#include <algorithm>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lrlab {

// A file whose content decides the numbers of the trials that read it (a task's data set).
struct InputFile {
  std::string name;            // as the spec gives it ("data/digits.csv.gz")
  std::filesystem::path path;  // the file read: absolute
};

class SharedData {
 public:
  // The value under `key`, loaded by `load` the first time. Keys starting with "lrlab.sdk/" are
  // reserved.
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

  // Entries loaded through get() (the noted inputs are not counted).
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(),
                                                  [](const auto& e) { return !e.first.starts_with(input_prefix); }));
  }

  // A task that reads a file whose content decides its numbers says so here, with the name the
  // spec gives the file and the path it read, when it reads it: in its factory, or in a get()
  // loader the factory calls. Planning builds every distinct task once, so every file read that
  // way is noted before anything runs; the core then hashes each (SHA-256 of its bytes). Noting a
  // file again is harmless. Kept beside the cached values, so SharedData's layout is unchanged.
  void note_input(const std::string& name, const std::filesystem::path& path) {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[input_prefix + name + '\n' + path.string()];
    if (!e.value) e.value = std::make_shared<const InputFile>(InputFile{name, path});
  }

  // The noted inputs, ordered by name, then path.
  std::vector<InputFile> inputs() const {
    std::lock_guard lock(mutex_);
    std::vector<InputFile> out;
    for (auto it = entries_.lower_bound(input_prefix); it != entries_.end() && it->first.starts_with(input_prefix); ++it)
      out.push_back(*std::static_pointer_cast<const InputFile>(it->second.value));
    return out;
  }

 private:
  struct Entry {
    bool loading = false;
    std::shared_ptr<const void> value;
    std::exception_ptr error;
  };
  static constexpr const char* input_prefix = "lrlab.sdk/input|";
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::string, Entry> entries_;
};

}  // namespace lrlab
