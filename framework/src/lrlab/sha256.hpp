#pragma once
// SHA-256 (FIPS 180-4), for the spec hash, trial identities and the content of input files (data,
// plugin libraries). Hex output, lower case.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lrlab {

// Incremental: update() with the bytes in order, then hex() once.
class Sha256 {
 public:
  void update(std::string_view data);
  std::string hex();

 private:
  std::array<std::uint32_t, 8> h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char block_[64] = {};
  std::size_t used_ = 0;      // bytes in block_
  std::uint64_t length_ = 0;  // bytes hashed in all
};

std::string sha256_hex(std::string_view data);

// The hash of a file's bytes, read in blocks (constant memory). Throws std::runtime_error naming
// the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace lrlab
