#pragma once
// Headless Chromium for the tests that render a page (the report, lrlab serve's page): Debian's
// package, which scripts/deps.sh installs; a test without it fails saying so.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace lrlab::test {

inline std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (std::filesystem::exists(p)) return p;
  FAIL("headless Chromium is needed for this test: sudo apt-get install chromium (scripts/deps.sh installs it)");
  return "";
}

}  // namespace lrlab::test
