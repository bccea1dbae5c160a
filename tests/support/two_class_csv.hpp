#pragma once
// A small two-class data set for tests that need a data file: 60 rows of two features and a label,
// with different values for each `variant`.
#include <string>

namespace lrlab::test {

inline std::string two_class_csv(int variant) {
  std::string s;
  for (int i = 0; i < 60; ++i) {
    const int label = i % 2;
    const double a = (label ? 1.0 : -1.0) + 0.05 * ((i * 7 + variant * 13) % 11) - 0.25;
    const double b = 0.1 * ((i * 3 + variant * 5) % 7) - 0.3;
    s += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(label) + "\n";
  }
  return s;
}

}  // namespace lrlab::test
