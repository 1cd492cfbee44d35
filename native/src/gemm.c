/* Packed-panel AVX2+FMA matrix products: a 6x16 register tile over 16-column panels of Wᵀ. */
#include "gemm.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* Transposes the 8x8 block held in r[0..7] (rows in, columns out). */
static inline void transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20); r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20); r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31); r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31); r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/*
 * Row-major W (k contiguous, the PyTorch weight layout): whole 8x8 blocks go through a register
 * transpose, one 32-byte store per panel row instead of eight scattered floats; the edges one by one.
 */
static void pack_rows(float *p, const float *w, int N, int K, long sn) {
  const int N8 = N - N % 8, K8 = K - K % 8;
  for (int n0 = 0; n0 < N8; n0 += 8)
    for (int k0 = 0; k0 < K8; k0 += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(w + (n0 + i) * sn + k0);
      transpose8(r);
      float *dst = p + ((size_t)(n0 / PANEL) * K + k0) * PANEL + n0 % PANEL;
      for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)i * PANEL, r[i]);
    }
  for (int n = 0; n < N; n++)
    for (int k = n < N8 ? K8 : 0; k < K; k++) p[((size_t)(n / PANEL) * K + k) * PANEL + n % PANEL] = w[n * sn + k];
}

float *pack_panels(const float *w, int N, int K, long sn, long sk) {
  const int panels = (N + PANEL - 1) / PANEL;
  const size_t bytes = sizeof(float) * (size_t)panels * (K > 0 ? K : 1) * PANEL;
  float *p = aligned_alloc(32, (bytes + 31) & ~(size_t)31);
  if (!p) return NULL;
  /* Every value of W is written below; only the columns past N in the last panel must be zero. */
  if (N % PANEL) memset(p + (size_t)(panels - 1) * K * PANEL, 0, sizeof(float) * (size_t)K * PANEL);
  /* Walk the source along its contiguous dimension. */
  if (sk == 1 && sn >= K) {
    pack_rows(p, w, N, K, sn);
  } else if (sn <= sk) {
    for (int k = 0; k < K; k++)
      for (int n = 0; n < N; n++) p[((size_t)(n / PANEL) * K + k) * PANEL + n % PANEL] = w[n * sn + k * sk];
  } else {
    for (int n = 0; n < N; n++)
      for (int k = 0; k < K; k++) p[((size_t)(n / PANEL) * K + k) * PANEL + n % PANEL] = w[n * sn + k * sk];
  }
  return p;
}

/*
 * R rows x one 16-column panel: 2R accumulators (R = 6 leaves 3 of the 16 ymm registers free).
 * op(A)[r,k] = a[r*ars + k*acs]. The r-loops are unrolled explicitly: left rolled, gcc keeps acc[][]
 * in memory and stores all twelve accumulators at every k, which halves the kernel's speed.
 */
static inline __attribute__((always_inline)) void panel_rows(const int R, int N, int K, const float *a, long ars, long acs, const float *b, float *C, int ldc, int n0) {
  __m256 acc[6][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_load_ps(b + (size_t)k * PANEL);
    const __m256 b1 = _mm256_load_ps(b + (size_t)k * PANEL + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
      const __m256 av = _mm256_broadcast_ss(a + r * ars + k * acs);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  const int w = N - n0 < PANEL ? N - n0 : PANEL;
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) {
    float *c = C + (size_t)r * ldc + n0;
    if (w == PANEL) {
      _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), acc[r][0]));
      _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), acc[r][1]));
    } else {
      float tmp[PANEL];
      _mm256_storeu_ps(tmp, acc[r][0]);
      _mm256_storeu_ps(tmp + 8, acc[r][1]);
      for (int j = 0; j < w; j++) c[j] += tmp[j];
    }
  }
}

/* Depth of one pass over K: a KC x 16 slice of a panel (16 KB) stays in L1 while a 6-row block runs over it. */
#define KC 256
#define MR 6

/*
 * R ≤ 6 rows of op(A)[r,k] = a[r*ars + k*acs] (k in k0..k0+kc-1 of the packed W, K deep) against every
 * panel. R is a constant in each case, so the kernel's loops unroll.
 */
static void block_rows(int R, int N, int kc, const float *a, long ars, long acs, const float *Wp, int K, int k0, float *C, int ldc) {
  const int panels = (N + PANEL - 1) / PANEL;
  for (int p = 0; p < panels; p++) {
    const float *b = Wp + ((size_t)p * K + k0) * PANEL;
    switch (R) {
      case 6: panel_rows(6, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
      case 5: panel_rows(5, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
      case 4: panel_rows(4, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
      case 3: panel_rows(3, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
      case 2: panel_rows(2, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
      default: panel_rows(1, N, kc, a, ars, acs, b, C, ldc, p * PANEL); break;
    }
  }
}


/* c[0 .. w) += the first w of the 8·count lanes in s. */
static inline void add_lanes(float *c, const __m256 *s, int count, int w) {
  float tmp[64];
  for (int i = 0; i < count; i++) _mm256_storeu_ps(tmp + 8 * i, s[i]);
  for (int j = 0; j < w; j++) c[j] += tmp[j];
}

/*
 * One row against every panel (batch 1 is a matrix-vector product): four panels at a time, eight
 * independent accumulators, enough to keep both FMA pipes busy through the FMA latency.
 */
static void row_times_panels(int N, int K, const float *a, const float *Wp, float *c) {
  const int panels = (N + PANEL - 1) / PANEL;
  const size_t ps = (size_t)K * PANEL;
  int p = 0;
  for (; p + 4 <= panels; p += 4) {
    const float *b = Wp + (size_t)p * ps;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (int k = 0; k < K; k++) {
      const __m256 av = _mm256_broadcast_ss(a + k);
      const float *bk = b + (size_t)k * PANEL;
      s0 = _mm256_fmadd_ps(av, _mm256_load_ps(bk), s0);
      s1 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + 8), s1);
      s2 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + ps), s2);
      s3 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + ps + 8), s3);
      s4 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + 2 * ps), s4);
      s5 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + 2 * ps + 8), s5);
      s6 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + 3 * ps), s6);
      s7 = _mm256_fmadd_ps(av, _mm256_load_ps(bk + 3 * ps + 8), s7);
    }
    const __m256 s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    const int n0 = p * PANEL;
    add_lanes(c + n0, s, 8, N - n0 < 4 * PANEL ? N - n0 : 4 * PANEL);
  }
  for (; p < panels; p++) {
    const float *b = Wp + (size_t)p * ps;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0;
    for (int k = 0; k < K; k++) {
      const __m256 av = _mm256_broadcast_ss(a + k);
      s0 = _mm256_fmadd_ps(av, _mm256_load_ps(b + (size_t)k * PANEL), s0);
      s1 = _mm256_fmadd_ps(av, _mm256_load_ps(b + (size_t)k * PANEL + 8), s1);
    }
    const __m256 s[2] = {s0, s1};
    const int n0 = p * PANEL;
    add_lanes(c + n0, s, 2, N - n0 < PANEL ? N - n0 : PANEL);
  }
}

void gemm_acc(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc) {
  if (M > 1) {
    /* Rows in equal blocks of at most 6 (8 rows as 4 + 4, not 6 + 2): more accumulators per block hide the FMA latency. */
    const int blocks = (M + MR - 1) / MR;
    for (int i = 0; i < blocks; i++) {
      const int m0 = M * i / blocks, m1 = M * (i + 1) / blocks;
      block_rows(m1 - m0, N, K, A + (size_t)m0 * lda, lda, 1, Wp, K, 0, C + (size_t)m0 * ldc, ldc);
    }
    return;
  }
  for (int m = 0; m < M; m++) row_times_panels(N, K, A + (size_t)m * lda, Wp, C + (size_t)m * ldc);
}

int gemm_rows(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1) {
  /* Repacking A costs as much as one panel's arithmetic: it pays off only when several panels reuse it. */
  const int repack = (N + PANEL - 1) / PANEL > 2;
  float *ap = aligned_alloc(32, sizeof(float) * KC * MR);
  if (!ap) return 0;
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = K - k0 < KC ? K - k0 : KC;
    for (int m = m0; m < m1; m += MR) {
      const int R = m1 - m < MR ? m1 - m : MR;
      /* Repack rows m..m+R-1 of op(A)[:, k0:k0+kc] as [kc][6]: the kernel then reads A contiguously. */
      if (!repack) {
        block_rows(R, N, kc, A + m * ars + (long)k0 * acs, ars, acs, Wp, K, k0, C + (size_t)m * ldc, ldc);
        continue;
      }
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < MR; r++) ap[k * MR + r] = r < R ? A[(m + r) * ars + (long)(k0 + k) * acs] : 0.0f;
      block_rows(R, N, kc, ap, 1, MR, Wp, K, k0, C + (size_t)m * ldc, ldc);
    }
  }
  free(ap);
  return 1;
}
