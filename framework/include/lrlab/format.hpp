#pragma once
// Numbers in messages (policy events, errors): six significant digits, enough to recognise a value
// and short to read. Stored values are never rounded; this is only for text.
#include <cstdio>
#include <string>

namespace lrlab {

inline std::string message_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace lrlab
