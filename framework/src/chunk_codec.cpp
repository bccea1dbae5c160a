#include "lrlab/chunk_codec.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace lrlab {
namespace {

// Bumped whenever the layout changes: a rank running another lrlab is refused, never misread.
constexpr std::uint32_t magic = 0x4C434B31;  // "LCK1"

class Out {
 public:
  template <class T>
  void put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto n = s_.size();
    s_.resize(n + sizeof v);
    std::memcpy(s_.data() + n, &v, sizeof v);
  }
  void put(const std::string& v) {
    put(static_cast<std::uint64_t>(v.size()));
    s_.append(v);
  }
  void put(const std::optional<double>& v) {
    put(static_cast<std::uint8_t>(v.has_value()));
    if (v) put(*v);
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
};

class In {
 public:
  explicit In(std::string_view s) : s_(s) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    need(sizeof v);
    std::memcpy(&v, s_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string v(s_.substr(at_, n));
    at_ += n;
    return v;
  }
  std::optional<double> opt() {
    if (!get<std::uint8_t>()) return std::nullopt;
    return get<double>();
  }
  std::uint64_t count(std::size_t min_row_bytes) {
    const auto n = get<std::uint64_t>();
    if (n > (s_.size() - at_) / min_row_bytes) bad();  // a corrupt count must not allocate terabytes
    return n;
  }
  bool at_end() const { return at_ == s_.size(); }

 private:
  void need(std::size_t n) {
    if (n > s_.size() - at_) bad();
  }
  [[noreturn]] static void bad() { throw std::runtime_error("malformed trial chunk from another rank"); }
  std::string_view s_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode_chunk(const TrialChunk& c) {
  Out o;
  o.put(magic);
  o.put(c.trial_id);
  o.put(static_cast<std::uint8_t>(c.started));
  o.put(static_cast<std::uint64_t>(c.steps.size()));
  for (const auto& r : c.steps) {
    o.put(r.step);
    o.put(r.epoch);
    o.put(r.lr);
    o.put(r.train_loss);
    o.put(r.beta_1);
  }
  o.put(static_cast<std::uint64_t>(c.evals.size()));
  for (const auto& r : c.evals) {
    o.put(r.step);
    o.put(r.epoch);
    o.put(r.metric);
    o.put(r.value);
  }
  o.put(static_cast<std::uint64_t>(c.events.size()));
  for (const auto& r : c.events) {
    o.put(r.step);
    o.put(r.epoch);
    o.put(r.source);
    o.put(r.kind);
    o.put(r.old_lr);
    o.put(r.new_lr);
    o.put(r.message);
  }
  o.put(static_cast<std::uint8_t>(c.outcome.has_value()));
  if (c.outcome) {
    const TrialOutcome& t = *c.outcome;
    o.put(t.status);
    o.put(t.error);
    o.put(t.steps_done);
    o.put(t.wall_seconds);
    o.put(t.final_train_loss);
    o.put(t.final_val_loss);
    o.put(t.best_val_loss);
    o.put(t.final_val_accuracy);
    o.put(t.host);
    o.put(static_cast<std::int32_t>(t.rank));
  }
  return o.take();
}

TrialChunk decode_chunk(std::string_view bytes) {
  In in(bytes);
  if (in.get<std::uint32_t>() != magic) throw std::runtime_error("a trial chunk from another rank has an unknown format");
  TrialChunk c;
  c.trial_id = in.get<std::int64_t>();
  c.started = in.get<std::uint8_t>() != 0;
  c.steps.resize(in.count(5 * 8));
  for (auto& r : c.steps) {
    r.step = in.get<std::int64_t>();
    r.epoch = in.get<std::int64_t>();
    r.lr = in.get<double>();
    r.train_loss = in.get<double>();
    r.beta_1 = in.get<double>();
  }
  c.evals.resize(in.count(4 * 8));
  for (auto& r : c.evals) {
    r.step = in.get<std::int64_t>();
    r.epoch = in.get<std::int64_t>();
    r.metric = in.str();
    r.value = in.get<double>();
  }
  c.events.resize(in.count(7 * 8));
  for (auto& r : c.events) {
    r.step = in.get<std::int64_t>();
    r.epoch = in.get<std::int64_t>();
    r.source = in.str();
    r.kind = in.str();
    r.old_lr = in.get<double>();
    r.new_lr = in.get<double>();
    r.message = in.str();
  }
  if (in.get<std::uint8_t>()) {
    TrialOutcome t;
    t.status = in.str();
    t.error = in.str();
    t.steps_done = in.get<std::int64_t>();
    t.wall_seconds = in.get<double>();
    t.final_train_loss = in.opt();
    t.final_val_loss = in.opt();
    t.best_val_loss = in.opt();
    t.final_val_accuracy = in.opt();
    t.host = in.str();
    t.rank = in.get<std::int32_t>();
    c.outcome = std::move(t);
  }
  if (!in.at_end()) throw std::runtime_error("malformed trial chunk from another rank (trailing bytes)");
  return c;
}

}  // namespace lrlab
