#pragma once
// The test process's peak resident memory, for tests that check a design keeps memory bounded
// (a plan of 10^5 trials, a streamed result). Not a benchmark: a bound ten times above what the
// code needs and far below what the unbounded version took.
#include <sys/resource.h>

namespace lrlab::test {

// Peak resident set size of this process so far, in KiB.
inline long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Whether memory can be measured or bounded (peak_rss_kb(), ulimit -v): not under AddressSanitizer,
// whose quarantine keeps up to 256 MB of freed memory resident by design, nor under either
// AddressSanitizer or ThreadSanitizer when bounding address space, since both reserve terabytes of
// it for their shadow memory at start.
constexpr bool measures_memory() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return false;
#else
  return true;
#endif
#else
  return true;
#endif
}

}  // namespace lrlab::test
