#pragma once
// StateArchive: how a stateful component puts its state into a trial's checkpoint and takes it
// back. One method serves both directions, so saving and loading cannot drift apart:
//
//   void persist(StateArchive& a) override { a(best_, bad_, cooldown_counter_); }
//
// When the core saves, the archive reads the members and appends their bytes; when it loads a
// checkpoint (to resume a trial, or to fork a new one from it), the same call writes them back, in
// the same order. List every member that decides what the component does next (counters, best
// values, windows of past losses, random number generators); leave out what is rebuilt from the
// parameters. The bytes are exact: a double comes back with the same bits, NaN and infinities
// included, so a resumed trial continues bit for bit.
//
// Supported: bool, integers, double, enums, std::string, std::vector / std::deque / std::optional
// of these, std::pair, and any type with a member `void persist(StateArchive&)` (Rng has one).
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace lrlab {

class StateArchive;

template <class T>
concept Persistable = requires(T& t, StateArchive& a) { t.persist(a); };

class StateArchive {
 public:
  // An archive that saves into an empty byte string.
  static StateArchive saving() { return StateArchive(true, {}); }
  // An archive that loads from `bytes` (as saving() produced them).
  static StateArchive loading(std::string bytes) { return StateArchive(false, std::move(bytes)); }

  // The bytes of `value`, saved from a const object: persist() serves both directions, and saving
  // only reads the members.
  template <class T>
  static std::string save(const T& value) {
    StateArchive a = saving();
    a(const_cast<T&>(value));
    return std::move(a.bytes_);
  }

  bool is_loading() const { return !saving_; }
  // The bytes saved so far.
  const std::string& bytes() const { return bytes_; }
  // Loading: whether every byte was read (a component that loads less than it saved is a bug).
  bool at_end() const { return at_ == bytes_.size(); }

  template <class... T>
  StateArchive& operator()(T&... values) {
    (item(values), ...);
    return *this;
  }

 private:
  StateArchive(bool saving, std::string bytes) : saving_(saving), bytes_(std::move(bytes)) {}

  void raw(void* p, std::size_t n) {
    if (saving_) {
      bytes_.append(static_cast<const char*>(p), n);
      return;
    }
    if (bytes_.size() - at_ < n)
      throw std::runtime_error("checkpoint state ends early: a component loads more than it saved");
    std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
  }
  // The length of a string or container. Loading, `min_bytes` is what each element takes at least:
  // a length that the remaining bytes cannot hold is refused before anything is allocated.
  std::uint64_t size_of(std::size_t n, std::size_t min_bytes) {
    auto s = static_cast<std::uint64_t>(n);
    raw(&s, sizeof s);
    if (!saving_ && min_bytes > 0 && s > (bytes_.size() - at_) / min_bytes)
      throw std::runtime_error("checkpoint state ends early: a component loads a list of " + std::to_string(s) +
                               " items from the " + std::to_string(bytes_.size() - at_) + " bytes left");
    return s;
  }
  // What one element of T takes at least once saved (0 for types with their own persist, which
  // may save nothing).
  template <class T>
  static constexpr std::size_t min_size() {
    if constexpr (std::is_same_v<T, bool>) return 1;
    else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) return sizeof(T);
    else if constexpr (Persistable<T>) return 0;
    else return 1;  // a string, container or optional saves at least its length or flag
  }

  template <class T>
  void item(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      unsigned char b = v ? 1 : 0;
      raw(&b, 1);
      v = b != 0;
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      raw(&v, sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const auto n = size_of(v.size(), 1);
      if (!saving_) v.resize(static_cast<std::size_t>(n));
      if (n) raw(v.data(), static_cast<std::size_t>(n));
    } else if constexpr (Persistable<T>) {
      v.persist(*this);
    } else {
      container(v);
    }
  }

  template <class T>
  void container(std::vector<T>& v) {
    const auto n = size_of(v.size(), min_size<T>());
    if (!saving_) v.resize(static_cast<std::size_t>(n));
    if constexpr (std::is_same_v<T, bool>) {
      for (std::size_t i = 0; i < v.size(); ++i) {  // vector<bool> has no bool& to hand out
        bool b = v[i];
        item(b);
        v[i] = b;
      }
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      if (n) raw(v.data(), static_cast<std::size_t>(n) * sizeof(T));
    } else {
      for (auto& x : v) item(x);
    }
  }
  template <class T>
  void container(std::deque<T>& v) {
    const auto n = size_of(v.size(), min_size<T>());
    if (!saving_) v.resize(static_cast<std::size_t>(n));
    for (auto& x : v) item(x);
  }
  template <class T>
  void container(std::optional<T>& v) {
    bool has = v.has_value();
    item(has);
    if (!saving_) {
      if (!has) {
        v.reset();
        return;
      }
      if (!v) v.emplace();
    }
    if (has) item(*v);
  }
  template <class A, class B>
  void container(std::pair<A, B>& p) {
    item(p.first);
    item(p.second);
  }

  bool saving_;
  std::string bytes_;
  std::size_t at_ = 0;
};

}  // namespace lrlab
