#pragma once
// Numbers in event messages: six significant digits, enough to recognise a value, short to read.
#include <cstdio>
#include <string>

namespace lrlab::plateau {

inline std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace lrlab::plateau
