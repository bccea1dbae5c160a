#pragma once
// Checks of numeric options that refuse in a sentence: CLI11's PositiveNumber and NonNegativeNumber
// print their range with the largest double written out in full (300 digits).
#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace lrlab::cli {

// `v` read as a number: "" when `ok` holds, else what was wrong.
template <class Ok>
std::string number_check(const std::string& v, const char* wanted, Ok ok) {
  try {
    std::size_t used = 0;
    const double x = std::stod(v, &used);
    if (used == v.size() && !std::isfinite(x)) return "must be a finite number, received " + v;
    if (used == v.size() && ok(x)) return {};
  } catch (const std::exception&) {
  }
  return std::string("must be a number ") + wanted + ", received " + v;
}

inline CLI::Validator positive_number() {
  return CLI::Validator([](std::string& v) { return number_check(v, "> 0", [](double x) { return x > 0; }); }, "> 0");
}

inline CLI::Validator non_negative_number() {
  return CLI::Validator([](std::string& v) { return number_check(v, ">= 0", [](double x) { return x >= 0; }); }, ">= 0");
}

}  // namespace lrlab::cli
