#pragma once
// Catch2 for a plugin's unit test, v2 or v3, whichever lrlab_add_plugin_test() found: it defines
// LRLAB_CATCH2_MAJOR. Include this once per test program instead of Catch2's own header; the test
// then writes TEST_CASE, CHECK, REQUIRE, Approx and Catch::Contains (a substring matcher) the same
// way under both. Not part of sdk.hpp: plugins themselves never depend on Catch2.
#if defined(LRLAB_CATCH2_MAJOR) && LRLAB_CATCH2_MAJOR >= 3
#include <catch2/catch_all.hpp>
using Catch::Approx;
namespace Catch {
// v2's name for the substring matcher.
inline Matchers::StringContainsMatcher Contains(const std::string& text) { return Matchers::ContainsSubstring(text); }
}  // namespace Catch
#else
// v2 is a single header; one test program defines its main() (v3's comes from Catch2WithMain).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
