/* Vectorised tanh / sigmoid (absolute error < 3e-7) and masked loads for row tails. */
#ifndef RNNKIT_SIMD_MATH_H
#define RNNKIT_SIMD_MATH_H
#include <immintrin.h>

/* 1/d by the approximate reciprocal plus one Newton step (~23 bits; a division costs several times more). */
static inline __m256 recip256(__m256 d) {
  const __m256 r = _mm256_rcp_ps(d);
  return _mm256_mul_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(2.0f)));
}

/* Eigen's float tanh: an odd 13/6 rational fit on [-8, 8] (tanh is ±1 in float beyond), cheaper than exp. */
static inline __m256 tanh256(__m256 x) {
  const __m256 lim = _mm256_set1_ps(7.99881172180175781f);
  /* x second: max/min return their second operand for a NaN, so a NaN propagates (training detects it). */
  x = _mm256_min_ps(lim, _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), lim), x));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_fmadd_ps(x2, _mm256_set1_ps(-2.76076847742355e-16f), _mm256_set1_ps(2.00018790482477e-13f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-8.60467152213735e-11f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(5.12229709037114e-08f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.48572235717979e-05f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(6.37261928875436e-04f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(4.89352455891786e-03f));
  p = _mm256_mul_ps(p, x);
  __m256 q = _mm256_fmadd_ps(x2, _mm256_set1_ps(1.19825839466702e-06f), _mm256_set1_ps(1.18534705686654e-04f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.26843463243900e-03f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(4.89352518554385e-03f));
  return _mm256_mul_ps(p, recip256(q));
}

/* sigmoid(x) = (1 + tanh(x/2)) / 2 */
static inline __m256 sigmoid256(__m256 x) {
  const __m256 half = _mm256_set1_ps(0.5f);
  return _mm256_fmadd_ps(half, tanh256(_mm256_mul_ps(half, x)), half);
}

/* Lane mask for the 8 values starting at j of a row of n (all lanes inside the row, or the tail). */
static inline __m256i lanes256(int j, int n) {
  const int left = n - j;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(left < 8 ? left : 8), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/*
 * Runs the statements for j = 0, 8, 16, ... < n: whole chunks with plain loads and stores (masked stores
 * are slow on some CPUs), then the row's tail through the same statements with masked lanes.
 * Inside, LD(p, m) / ST(p, m, v) load and store 8 lanes; lanes outside the mask m read as 0 and are not written.
 */
#define FOR_LANES(n, ...)                                                     \
  do {                                                                        \
    int j = 0;                                                                \
    for (; j + 8 <= (n); j += 8) {                                            \
      enum { tail = 0 };                                                      \
      const __m256i m = _mm256_set1_epi32(-1);                                \
      (void)m;                                                                \
      __VA_ARGS__                                                             \
    }                                                                         \
    if (j < (n)) {                                                            \
      enum { tail = 1 };                                                      \
      const __m256i m = lanes256(j, (n));                                     \
      __VA_ARGS__                                                             \
    }                                                                         \
  } while (0)
#define LD(p, m) (tail ? _mm256_maskload_ps((p), (m)) : _mm256_loadu_ps(p))
#define ST(p, m, v) (tail ? _mm256_maskstore_ps((p), (m), (v)) : _mm256_storeu_ps((p), (v)))

#endif
