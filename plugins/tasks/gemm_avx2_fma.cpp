// gemm.hpp's product on AVX2 with fused multiply-add (compiled with -mavx2 -mfma
// -ffp-contract=fast, so `acc + a * b` becomes one vfmadd): other bits than every other path.
// bench/ measures it to show what FMA would buy; no task uses it.
#include "gemm_kernel.hpp"

LRLAB_GEMM_DEFINE_PATH(avx2_fma)
