// StateArchive (state.hpp): every supported type comes back as it was saved, doubles bit for bit
// (NaN payloads, infinities, -0.0); the bytes are the documented little-endian layout; and bytes cut
// short, or a length they cannot hold, are refused with a message instead of read past.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrlab/random.hpp"
#include "lrlab/state.hpp"

using lrlab::StateArchive;
using Catch::Matchers::Contains;

namespace {

enum class Colour : std::uint8_t { red = 3, green = 7 };

struct Inner {
  double x = 0;
  std::optional<std::int64_t> step;
  void persist(StateArchive& a) { a(x, step); }
};

// One member of every supported type: what a component's persist() may list.
struct Everything {
  bool flag = false;
  char c = 0;
  std::int8_t i8 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint64_t u64 = 0;
  std::int64_t i64 = 0;
  std::size_t size = 0;
  float f = 0;
  double d = 0;
  Colour colour = Colour::red;
  std::string text;
  std::vector<double> reals;
  std::vector<bool> bits;
  std::vector<std::string> words;
  std::vector<Colour> colours;
  std::deque<double> window;
  std::deque<std::pair<std::int64_t, double>> pairs;
  std::optional<double> some, none;
  std::optional<std::string> label;
  std::pair<std::int64_t, std::string> pair;
  Inner inner;
  std::vector<Inner> inners;
  std::optional<Inner> maybe_inner;

  void persist(StateArchive& a) {
    a(flag, c, i8, u16, i32, u64, i64, size, f, d, colour, text, reals, bits, words, colours, window, pairs, some, none,
      label, pair, inner, inners, maybe_inner);
  }
};

Everything filled() {
  Everything e;
  e.flag = true;
  e.c = 'z';
  e.i8 = -100;
  e.u16 = 65535;
  e.i32 = -2147483647 - 1;
  e.u64 = 0xFEDCBA9876543210ULL;
  e.i64 = -1234567890123LL;
  e.size = 42;
  e.f = 1.5f;
  e.d = 0.1;
  e.colour = Colour::green;
  e.text = std::string("with a \0 inside", 15);
  e.reals = {1.0, -2.5, 1e-300};
  e.bits = {true, false, true, true};
  e.words = {"", "one", "two words"};
  e.colours = {Colour::green, Colour::red};
  e.window = {3.0, 2.0, 1.0};
  e.pairs = {{1, 0.5}, {-2, 0.25}};
  e.some = 2.0;
  e.none = std::nullopt;
  e.label = "best";
  e.pair = {7, "seven"};
  e.inner = Inner{3.5, 12};
  e.inners = {Inner{1.0, std::nullopt}, Inner{2.0, 5}};
  e.maybe_inner = Inner{-1.0, 0};
  return e;
}

std::string save(Everything e) {
  auto a = StateArchive::saving();
  e.persist(a);
  return a.bytes();
}

std::uint64_t bits_of(double v) { return std::bit_cast<std::uint64_t>(v); }

}  // namespace

TEST_CASE("state: every supported type round-trips into a fresh object", "[sdk][state]") {
  const Everything e = filled();
  const std::string bytes = save(e);
  auto a = StateArchive::loading(bytes);
  CHECK(a.is_loading());
  Everything r;  // defaults everywhere; `none` starts engaged to see it cleared
  r.none = 99.0;
  r.persist(a);
  CHECK(a.at_end());
  CHECK(r.flag == e.flag);
  CHECK(r.c == e.c);
  CHECK(r.i8 == e.i8);
  CHECK(r.u16 == e.u16);
  CHECK(r.i32 == e.i32);
  CHECK(r.u64 == e.u64);
  CHECK(r.i64 == e.i64);
  CHECK(r.size == e.size);
  CHECK(r.f == e.f);
  CHECK(bits_of(r.d) == bits_of(e.d));
  CHECK(r.colour == Colour::green);
  CHECK(r.text == e.text);
  CHECK(r.text.size() == 15);
  CHECK(r.reals == e.reals);
  CHECK(r.bits == e.bits);
  CHECK(r.words == e.words);
  CHECK(r.colours == e.colours);
  CHECK(r.window == e.window);
  CHECK(r.pairs == e.pairs);
  CHECK(r.some == e.some);
  CHECK_FALSE(r.none.has_value());
  CHECK(r.label == e.label);
  CHECK(r.pair == e.pair);
  CHECK(r.inner.x == 3.5);
  CHECK(r.inner.step == 12);
  REQUIRE(r.inners.size() == 2);
  CHECK_FALSE(r.inners[0].step.has_value());
  CHECK(r.inners[1].x == 2.0);
  CHECK(r.inners[1].step == 5);
  REQUIRE(r.maybe_inner.has_value());
  CHECK(r.maybe_inner->x == -1.0);
  // Saving what was loaded gives the same bytes.
  CHECK(save(r) == bytes);
}

TEST_CASE("state: loading replaces what the object held, containers shrink and grow", "[sdk][state]") {
  const std::string bytes = save(filled());
  Everything r = filled();
  r.reals.assign(100, 7.0);
  r.window.clear();
  r.words.push_back("extra");
  r.maybe_inner.reset();
  auto a = StateArchive::loading(bytes);
  r.persist(a);
  CHECK(a.at_end());
  CHECK(save(r) == bytes);
}

TEST_CASE("state: doubles keep their bits: NaN payloads, infinities, -0.0, subnormals", "[sdk][state]") {
  const std::vector<double> special{std::numeric_limits<double>::quiet_NaN(),
                                    -std::numeric_limits<double>::quiet_NaN(),
                                    std::bit_cast<double>(0x7FF0000000000001ULL),  // signalling NaN, payload 1
                                    std::bit_cast<double>(0x7FF8DEADBEEF0001ULL),  // quiet NaN with a payload
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    -0.0,
                                    0.0,
                                    std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::max()};
  for (double v : special) {
    CAPTURE(bits_of(v));
    double one = v;
    std::vector<double> many{v, v};
    std::optional<double> maybe = v;
    std::deque<double> window{v};
    auto s = StateArchive::saving();
    s(one, many, maybe, window);
    double one2 = 1.0;
    std::vector<double> many2;
    std::optional<double> maybe2;
    std::deque<double> window2;
    auto l = StateArchive::loading(s.bytes());
    l(one2, many2, maybe2, window2);
    CHECK(l.at_end());
    CHECK(bits_of(one2) == bits_of(v));
    REQUIRE(many2.size() == 2);
    CHECK(bits_of(many2[1]) == bits_of(v));
    CHECK(bits_of(*maybe2) == bits_of(v));
    CHECK(bits_of(window2.front()) == bits_of(v));
  }
}

TEST_CASE("state: the bytes are the documented layout", "[sdk][state]") {
  // bool: one byte; integers and doubles: their bytes (little-endian on every platform lrlab
  // builds for); strings and containers: a uint64 length first; optional: a bool first.
  static_assert(std::endian::native == std::endian::little);
  bool b = true;
  std::uint32_t u = 0x01020304;
  std::string s = "ab";
  std::optional<std::int16_t> none;
  std::optional<std::int16_t> some = -2;
  auto a = StateArchive::saving();
  a(b, u, s, none, some);
  const std::string expected("\x01"
                             "\x04\x03\x02\x01"
                             "\x02\x00\x00\x00\x00\x00\x00\x00"
                             "ab"
                             "\x00"
                             "\x01\xFE\xFF",
                             1 + 4 + 8 + 2 + 1 + 3);
  CHECK(a.bytes() == expected);
  double minus_zero = -0.0;
  auto z = StateArchive::saving();
  z(minus_zero);
  CHECK(z.bytes() == std::string("\x00\x00\x00\x00\x00\x00\x00\x80", 8));
}

TEST_CASE("state: Rng resumes its stream, the Gaussian spare included", "[sdk][state]") {
  lrlab::Rng rng(lrlab::derive_seed(5, lrlab::streams::noise));
  rng.normal();  // leaves a spare behind
  auto s = StateArchive::saving();
  s(rng);
  lrlab::Rng fresh(0);
  auto l = StateArchive::loading(s.bytes());
  l(fresh);
  CHECK(l.at_end());
  for (int i = 0; i < 5; ++i) {
    const double a = rng.normal(), b = fresh.normal();
    CHECK(bits_of(a) == bits_of(b));
  }
  CHECK(rng.next() == fresh.next());
}

TEST_CASE("state: bytes cut short are refused with a message, never read past", "[sdk][state]") {
  const std::string bytes = save(filled());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    auto a = StateArchive::loading(bytes.substr(0, n));
    Everything r;
    CHECK_THROWS_WITH(r.persist(a), Contains("checkpoint state ends early"));
  }
  // A component that loads less than was saved leaves bytes over: at_end() says so.
  auto a = StateArchive::loading(bytes + "x");
  Everything r;
  r.persist(a);
  CHECK_FALSE(a.at_end());
}

TEST_CASE("state: a length the remaining bytes cannot hold is refused before allocating", "[sdk][state]") {
  // A vector<double> claiming 2^60 elements, then 8 bytes: resizing first would throw bad_alloc
  // (or succeed and read garbage); the archive says what is wrong instead.
  std::string bytes(8, '\0');
  const std::uint64_t huge = 1ULL << 60;
  std::memcpy(bytes.data(), &huge, 8);
  bytes += std::string(8, '\x01');
  for (int which = 0; which < 3; ++which) {
    CAPTURE(which);
    auto a = StateArchive::loading(bytes);
    std::vector<double> v;
    std::string s;
    std::deque<std::string> d;
    if (which == 0) CHECK_THROWS_WITH(a(v), Contains("ends early") && Contains("1152921504606846976 items"));
    if (which == 1) CHECK_THROWS_WITH(a(s), Contains("ends early"));
    if (which == 2) CHECK_THROWS_WITH(a(d), Contains("ends early"));
  }
}
