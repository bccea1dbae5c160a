#pragma once
// SHA-256 (FIPS 180-4), for the spec hash and trial identities. Hex output, lower case.
#include <string>
#include <string_view>

namespace lrlab {
std::string sha256_hex(std::string_view data);
}
