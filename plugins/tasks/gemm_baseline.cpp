// gemm.hpp's product on the x86-64 baseline (SSE2): 16 registers of 2 doubles or 4 floats; also
// the path of every other architecture, in whatever vectors the compiler's baseline has.
#include "gemm_kernel.hpp"

LRLAB_GEMM_DEFINE_PATH(baseline)
