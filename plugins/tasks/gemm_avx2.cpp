// gemm.hpp's product on the AVX2 path: 16 registers of 4 doubles or 8 floats. Compiled with
// -mavx2 (without -mfma) -ffp-contract=off.
#include "gemm_kernel.hpp"

LRLAB_GEMM_DEFINE_PATH(avx2)
