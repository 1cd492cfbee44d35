/*
 * Row softmax for the cross-entropy of large vocabularies (word models), where the exps of the logits,
 * not the matrix products, were most of a training step in JS. AVX2+FMA, one thread.
 */
#include "softmax.h"
#include <immintrin.h>
#include <math.h>

/* exp(x) for x <= 0 (Cephes' expf: range reduction by ln 2, degree-6 polynomial; relative error ~2e-7). */
static inline __m256 exp_nonpositive(__m256 x) {
  /* x second: max returns its second operand for a NaN, so a NaN propagates (training detects it). */
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

void softmax_rows(int R, int C, const float *x, float scale, float *y, float *log_z) {
  for (int r = 0; r < R; r++) {
    const float *xr = x + (size_t)r * C;
    float *yr = y + (size_t)r * C;
    /* A NaN may be skipped here: it still reaches the sum through its exp, and so the loss. */
    __m256 m8 = _mm256_set1_ps(-INFINITY);
    int c = 0;
    for (; c + 8 <= C; c += 8) m8 = _mm256_max_ps(m8, _mm256_loadu_ps(xr + c));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m8), _mm256_extractf128_ps(m8, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float max = _mm_cvtss_f32(m4);
    for (; c < C; c++) max = xr[c] > max ? xr[c] : max;
    const __m256 vmax = _mm256_set1_ps(max);
    __m256 acc = _mm256_setzero_ps();
    c = 0;
    for (; c + 8 <= C; c += 8) {
      const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(xr + c), vmax));
      _mm256_storeu_ps(yr + c, e);
      acc = _mm256_add_ps(acc, e);
    }
    double sum = hsum(acc);
    for (; c < C; c++) sum += yr[c] = expf(xr[c] - max);
    log_z[r] = (float)(max + log(sum));
    const __m256 k = _mm256_set1_ps((float)(scale / sum));
    for (c = 0; c + 8 <= C; c += 8) _mm256_storeu_ps(yr + c, _mm256_mul_ps(_mm256_loadu_ps(yr + c), k));
    for (; c < C; c++) yr[c] *= (float)(scale / sum);
  }
}
