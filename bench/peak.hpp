#pragma once
// The machine's own arithmetic limit, the way STREAM's triad gives its bandwidth limit: the
// sustained multiply-add rate of one core, in FLOP/s (a multiply and an add count two), for
// float64 and float32, with and without fused multiply-add, in every vector width the CPU runs.
// Each loop keeps 12 independent accumulators (acc = acc * m + a) in registers, enough to cover
// the latency of the two pipes of a current x86 core, and touches no memory.
//
// machine_peak() is the best of the loops of one precision: what "a fraction of the peak" means
// in bench/RESULTS.md (task_bench reports every task step against it).
#include <cstdint>
#include <string>
#include <vector>

namespace lrlab::bench {

struct PeakLoop {
  std::string name;  // e.g. "float64/avx2/mul+add"
  bool fp64;
  bool runnable;                                      // this CPU has the instructions
  double (*run)(std::int64_t iterations);             // returns a value that depends on every lane
  double flops_per_iteration;
};

const std::vector<PeakLoop>& peak_loops();

// The best sustained FLOP/s of the runnable loops of one precision (measured once per process,
// best of three runs of about 0.1 s each).
double machine_peak(bool fp64);

}  // namespace lrlab::bench
