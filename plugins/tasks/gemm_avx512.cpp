// gemm.hpp's product on the AVX-512F path: 32 registers of 8 doubles or 16 floats. Compiled with
// -mavx512f -ffp-contract=off: AVX-512F has fused multiply-add instructions, which the compiler
// must not use here.
#include "gemm_kernel.hpp"

LRLAB_GEMM_DEFINE_PATH(avx512)
