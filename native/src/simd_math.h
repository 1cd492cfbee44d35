/*
 * Vectorised tanh / sigmoid (absolute error < 3e-7) and masked loads for row tails, at the width the
 * translation unit is compiled for: 16 floats (zmm) with -mavx512f, else 8 (ymm, AVX2+FMA). The cell
 * math (cells_kernels.h) is written against these names and compiled once per width.
 */
#ifndef RNNKIT_SIMD_MATH_H
#define RNNKIT_SIMD_MATH_H
#include <immintrin.h>

#ifdef __AVX512F__
typedef __m512 vf;
typedef __mmask16 vmask;
#define VL 16
#define vzero() _mm512_setzero_ps()
#define vset1(x) _mm512_set1_ps(x)
#define vadd(a, b) _mm512_add_ps((a), (b))
#define vsub(a, b) _mm512_sub_ps((a), (b))
#define vmul(a, b) _mm512_mul_ps((a), (b))
#define vmin(a, b) _mm512_min_ps((a), (b))
#define vmax(a, b) _mm512_max_ps((a), (b))
#define vfma(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define vfnma(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
#define vrcp(a) _mm512_rcp14_ps(a)
/* 1 where x > 0, else 0 (the ReLU's slope). */
#define vstep(x) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask((x), vzero(), _CMP_GT_OQ), vset1(1.0f))
#define VMASK_ALL ((vmask)0xFFFF)
/* Lanes j .. n-1 of a 16-lane chunk starting at j (all of them inside the row). */
static inline vmask lanes_mask(int j, int n) {
  const int left = n - j;
  return left >= 16 ? VMASK_ALL : (vmask)((1u << left) - 1);
}
#define vloadu(p) _mm512_loadu_ps(p)
#define vstoreu(p, v) _mm512_storeu_ps((p), (v))
#define vmaskload(p, m) _mm512_maskz_loadu_ps((m), (p))
#define vmaskstore(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#else
typedef __m256 vf;
typedef __m256i vmask;
#define VL 8
#define vzero() _mm256_setzero_ps()
#define vset1(x) _mm256_set1_ps(x)
#define vadd(a, b) _mm256_add_ps((a), (b))
#define vsub(a, b) _mm256_sub_ps((a), (b))
#define vmul(a, b) _mm256_mul_ps((a), (b))
#define vmin(a, b) _mm256_min_ps((a), (b))
#define vmax(a, b) _mm256_max_ps((a), (b))
#define vfma(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define vfnma(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define vrcp(a) _mm256_rcp_ps(a)
#define vstep(x) _mm256_and_ps(_mm256_cmp_ps((x), vzero(), _CMP_GT_OQ), vset1(1.0f))
#define VMASK_ALL _mm256_set1_epi32(-1)
static inline vmask lanes_mask(int j, int n) {
  const int left = n - j;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(left < 8 ? left : 8), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
#define vloadu(p) _mm256_loadu_ps(p)
#define vstoreu(p, v) _mm256_storeu_ps((p), (v))
#define vmaskload(p, m) _mm256_maskload_ps((p), (m))
#define vmaskstore(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#endif

/* 1/d by the approximate reciprocal plus one Newton step (~23 bits; a division costs several times more). */
static inline vf vrecip(vf d) {
  const vf r = vrcp(d);
  return vmul(r, vfnma(d, r, vset1(2.0f)));
}

/* Eigen's float tanh: an odd 13/6 rational fit on [-8, 8] (tanh is ±1 in float beyond), cheaper than exp. */
static inline vf vtanh(vf x) {
  const vf lim = vset1(7.99881172180175781f);
  /* x second: max/min return their second operand for a NaN, so a NaN propagates (training detects it). */
  x = vmin(lim, vmax(vsub(vzero(), lim), x));
  const vf x2 = vmul(x, x);
  vf p = vfma(x2, vset1(-2.76076847742355e-16f), vset1(2.00018790482477e-13f));
  p = vfma(p, x2, vset1(-8.60467152213735e-11f));
  p = vfma(p, x2, vset1(5.12229709037114e-08f));
  p = vfma(p, x2, vset1(1.48572235717979e-05f));
  p = vfma(p, x2, vset1(6.37261928875436e-04f));
  p = vfma(p, x2, vset1(4.89352455891786e-03f));
  p = vmul(p, x);
  vf q = vfma(x2, vset1(1.19825839466702e-06f), vset1(1.18534705686654e-04f));
  q = vfma(q, x2, vset1(2.26843463243900e-03f));
  q = vfma(q, x2, vset1(4.89352518554385e-03f));
  return vmul(p, vrecip(q));
}

/* sigmoid(x) = (1 + tanh(x/2)) / 2 */
static inline vf vsigmoid(vf x) {
  const vf half = vset1(0.5f);
  return vfma(half, vtanh(vmul(half, x)), half);
}

/*
 * Runs the statements for j = 0, VL, 2·VL, ... < n: whole chunks with plain loads and stores (masked
 * stores are slow on some CPUs), then the row's tail through the same statements with masked lanes.
 * Inside, LD(p, m) / ST(p, m, v) load and store VL lanes; lanes outside the mask m read as 0 and are not written.
 */
#define FOR_LANES(n, ...)                                                     \
  do {                                                                        \
    int j = 0;                                                                \
    for (; j + VL <= (n); j += VL) {                                          \
      enum { tail = 0 };                                                      \
      const vmask m = VMASK_ALL;                                              \
      (void)m;                                                                \
      __VA_ARGS__                                                             \
    }                                                                         \
    if (j < (n)) {                                                            \
      enum { tail = 1 };                                                      \
      const vmask m = lanes_mask(j, (n));                                     \
      __VA_ARGS__                                                             \
    }                                                                         \
  } while (0)
#define LD(p, m) (tail ? vmaskload((p), (m)) : vloadu(p))
#define ST(p, m, v) (tail ? vmaskstore((p), (m), (v)) : vstoreu((p), (v)))

#endif
