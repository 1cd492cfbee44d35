/*
 * The AVX-512 packed-panel kernels: 32-column panels of two 16-float zmm vectors, 8-row register tiles
 * (16 accumulators of the 32 zmm registers). Built as its own static library with the AVX-512 flags
 * (binding.gyp) and called only when gemm_select_isa() found AVX-512 on the CPU.
 */
#include <immintrin.h>
#include <stdlib.h>

#define VEC __m512
#define LANES 16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_load_ps(p)
#define VLOADU(p) _mm512_loadu_ps(p)
#define VSTOREU(p, v) _mm512_storeu_ps((p), (v))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VBCAST(p) _mm512_set1_ps(*(p))
#define MR 8
#define ISA_FN(name) name##_avx512
#include "gemm_kernels.h"
