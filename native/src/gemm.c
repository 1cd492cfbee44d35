/*
 * Packed-panel matrix products: the packing, the AVX2+FMA kernels (a 6x16 register tile over 16-column
 * panels of Wᵀ) and the choice (isa.c) between them and the AVX-512 ones (gemm512.c).
 */
#include "gemm.h"
#include "isa.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* The per-ISA kernels (gemm_kernels.h instantiated here and in gemm512.c). */
void gemm_acc_avx2(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc);
int gemm_rows_avx2(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1);
void gemm_acc_avx512(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc);
int gemm_rows_avx512(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1);

/* ---- the ISA, chosen once ---- */
typedef struct {
  int panel; /* the packed layout's panel width: packing and kernels of one ISA go together */
  void (*acc)(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc);
  int (*rows)(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1);
} Isa;

static const Isa ISA_AVX2 = {16, gemm_acc_avx2, gemm_rows_avx2};
static const Isa ISA_AVX512 = {32, gemm_acc_avx512, gemm_rows_avx512};

/* The chosen ISA's kernels (isa.c decides once). */
static const Isa *chosen(void) { return isa_avx512() ? &ISA_AVX512 : &ISA_AVX2; }


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
 * P (16 or 32) is a multiple of 8, so a block never straddles two panels.
 */
static void pack_rows(float *p, const float *w, int N, int K, long sn, int P) {
  const int N8 = N - N % 8, K8 = K - K % 8;
  for (int n0 = 0; n0 < N8; n0 += 8)
    for (int k0 = 0; k0 < K8; k0 += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(w + (n0 + i) * sn + k0);
      transpose8(r);
      float *dst = p + ((size_t)(n0 / P) * K + k0) * P + n0 % P;
      for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)i * P, r[i]);
    }
  for (int n = 0; n < N; n++)
    for (int k = n < N8 ? K8 : 0; k < K; k++) p[((size_t)(n / P) * K + k) * P + n % P] = w[n * sn + k];
}

float *pack_panels(const float *w, int N, int K, long sn, long sk) {
  const int P = chosen()->panel;
  const int panels = (N + P - 1) / P;
  const size_t bytes = sizeof(float) * (size_t)panels * (K > 0 ? K : 1) * P;
  float *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
  if (!p) return NULL;
  /* Every value of W is written below; only the columns past N in the last panel must be zero. */
  if (N % P) memset(p + (size_t)(panels - 1) * K * P, 0, sizeof(float) * (size_t)K * P);
  /* Walk the source along its contiguous dimension. */
  if (sk == 1 && sn >= K) {
    pack_rows(p, w, N, K, sn, P);
  } else if (sn <= sk) {
    for (int k = 0; k < K; k++)
      for (int n = 0; n < N; n++) p[((size_t)(n / P) * K + k) * P + n % P] = w[n * sn + k * sk];
  } else {
    for (int n = 0; n < N; n++)
      for (int k = 0; k < K; k++) p[((size_t)(n / P) * K + k) * P + n % P] = w[n * sn + k * sk];
  }
  return p;
}

#define VEC __m256
#define LANES 8
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_load_ps(p)
#define VLOADU(p) _mm256_loadu_ps(p)
#define VSTOREU(p, v) _mm256_storeu_ps((p), (v))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VBCAST(p) _mm256_broadcast_ss(p)
#define MR 6 /* 12 accumulators leave 4 of the 16 ymm registers for the panel row and the broadcast */
#define ISA_FN(name) name##_avx2
#include "gemm_kernels.h"

void gemm_acc(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc) {
  chosen()->acc(M, N, K, A, lda, Wp, C, ldc);
}

int gemm_rows(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1) {
  return chosen()->rows(N, K, A, ars, acs, Wp, C, ldc, m0, m1);
}
