#include "lrlab/chunk_codec.hpp"

#include <cstdint>
#include <stdexcept>

namespace lrlab {
namespace {

// Bumped whenever the layout changes: a rank running another lrlab is refused, never misread.
constexpr std::uint32_t magic = 0x4C434B32;  // "LCK2": chunks with checkpoints

}  // namespace

std::string encode_chunk(const TrialChunk& chunk) { return StateArchive::save(magic) + StateArchive::save(chunk); }

TrialChunk decode_chunk(std::string_view bytes) {
  StateArchive a = StateArchive::loading(std::string(bytes));
  std::uint32_t m = 0;
  TrialChunk c;
  try {
    a(m);
    if (m != magic) throw std::runtime_error("a trial chunk from another rank has an unknown format");
    a(c);
  } catch (const std::runtime_error& e) {
    if (m != magic) throw;
    throw std::runtime_error(std::string("malformed trial chunk from another rank: ") + e.what());
  }
  if (!a.at_end()) throw std::runtime_error("malformed trial chunk from another rank (trailing bytes)");
  return c;
}

}  // namespace lrlab
