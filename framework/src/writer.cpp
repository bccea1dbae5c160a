#include "lrlab/writer.hpp"

#include <vector>

namespace lrlab {

Writer::Writer(Store& store, Progress& progress, std::size_t capacity) : store_(store), progress_(progress) {
  queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
  if (thread_.joinable()) {
    queue_.push(std::nullopt);
    thread_.join();
  }
}

void Writer::push(TrialChunk&& c) { queue_.push(std::optional<TrialChunk>(std::move(c))); }

void Writer::finish() {
  queue_.push(std::nullopt);
  thread_.join();
}

std::string Writer::failure() const { return failed_.load() ? failure_ : std::string(); }

void Writer::loop() {
  std::vector<TrialChunk> batch;
  for (bool done = false; !done;) {
    std::optional<TrialChunk> item;
    queue_.pop(item);  // blocks until there is something to write
    do {
      if (!item) {
        done = true;
        break;
      }
      batch.push_back(std::move(*item));
    } while (batch.size() < 1024 && queue_.try_pop(item));
    if (batch.empty()) continue;
    try {
      if (!failed_.load()) store_.write(batch);
    } catch (const std::exception& e) {
      failure_ = e.what();
      failed_.store(true);
    }
    for (const auto& c : batch)
      if (c.outcome) progress_.trial_done(c.outcome->status);
    batch.clear();
  }
}

}  // namespace lrlab
