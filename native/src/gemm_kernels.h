/*
 * The packed-panel matrix-product kernels, written once for a vector width and included by one
 * translation unit per ISA (gemm.c: AVX2 8-float ymm; gemm512.c: AVX-512 16-float zmm), each compiled
 * with its own flags. The including file defines:
 *   VEC, LANES                       the vector type and its float count; a panel is 2·LANES columns
 *   VZERO() VLOAD(p) VLOADU(p) VSTOREU(p, v) VADD(a, b) VFMA(a, b, c) VBCAST(p)   the intrinsics
 *   MR                               rows per register tile (2·MR accumulators; MR ≤ 8)
 *   ISA_FN(name)                     the exported function's name for this ISA
 * Every output element is summed over k in the same order (k ascending, KC-deep chunks) whatever the
 * width, so both ISAs give the same results.
 */
#define PW (2 * LANES)
/* Depth of one pass over K: a KC x PW slice of a panel (16 KB AVX2, 32 KB AVX-512) stays in L1 while a row block runs over it. */
#define KC 256

/*
 * R rows x one panel: 2R accumulators. op(A)[r,k] = a[r*ars + k*acs]. The r-loops are unrolled
 * explicitly: left rolled, gcc keeps acc[][] in memory and stores every accumulator at every k, which
 * halves the kernel's speed.
 */
static inline __attribute__((always_inline)) void panel_rows(const int R, int N, int K, const float *a, long ars, long acs, const float *b, float *C, int ldc, int n0) {
  VEC acc[8][2];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = VZERO();
  for (int k = 0; k < K; k++) {
    const VEC b0 = VLOAD(b + (size_t)k * PW);
    const VEC b1 = VLOAD(b + (size_t)k * PW + LANES);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const VEC av = VBCAST(a + r * ars + k * acs);
      acc[r][0] = VFMA(av, b0, acc[r][0]);
      acc[r][1] = VFMA(av, b1, acc[r][1]);
    }
  }
  const int w = N - n0 < PW ? N - n0 : PW;
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float *c = C + (size_t)r * ldc + n0;
    if (w == PW) {
      VSTOREU(c, VADD(VLOADU(c), acc[r][0]));
      VSTOREU(c + LANES, VADD(VLOADU(c + LANES), acc[r][1]));
    } else {
      float tmp[PW];
      VSTOREU(tmp, acc[r][0]);
      VSTOREU(tmp + LANES, acc[r][1]);
      for (int j = 0; j < w; j++) c[j] += tmp[j];
    }
  }
}

/*
 * R ≤ MR rows of op(A)[r,k] = a[r*ars + k*acs] (k in k0..k0+kc-1 of the packed W, K deep) against every
 * panel. R is a constant in each case, so the kernel's loops unroll.
 */
static void block_rows(int R, int N, int kc, const float *a, long ars, long acs, const float *Wp, int K, int k0, float *C, int ldc) {
  const int panels = (N + PW - 1) / PW;
  for (int p = 0; p < panels; p++) {
    const float *b = Wp + ((size_t)p * K + k0) * PW;
    switch (R) {
#if MR > 6
      case 8: panel_rows(8, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      case 7: panel_rows(7, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
#endif
      case 6: panel_rows(6, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      case 5: panel_rows(5, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      case 4: panel_rows(4, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      case 3: panel_rows(3, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      case 2: panel_rows(2, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
      default: panel_rows(1, N, kc, a, ars, acs, b, C, ldc, p * PW); break;
    }
  }
}

/* c[0 .. w) += the first w of the LANES·count lanes in s. */
static inline void add_lanes(float *c, const VEC *s, int count, int w) {
  float tmp[8 * LANES];
  for (int i = 0; i < count; i++) VSTOREU(tmp + LANES * i, s[i]);
  for (int j = 0; j < w; j++) c[j] += tmp[j];
}

/*
 * One row against every panel (batch 1 is a matrix-vector product): four panels at a time, eight
 * independent accumulators, enough to keep both FMA pipes busy through the FMA latency.
 */
static void row_times_panels(int N, int K, const float *a, const float *Wp, float *c) {
  const int panels = (N + PW - 1) / PW;
  const size_t ps = (size_t)K * PW;
  int p = 0;
  for (; p + 4 <= panels; p += 4) {
    const float *b = Wp + (size_t)p * ps;
    VEC s0 = VZERO(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (int k = 0; k < K; k++) {
      const VEC av = VBCAST(a + k);
      const float *bk = b + (size_t)k * PW;
      s0 = VFMA(av, VLOAD(bk), s0);
      s1 = VFMA(av, VLOAD(bk + LANES), s1);
      s2 = VFMA(av, VLOAD(bk + ps), s2);
      s3 = VFMA(av, VLOAD(bk + ps + LANES), s3);
      s4 = VFMA(av, VLOAD(bk + 2 * ps), s4);
      s5 = VFMA(av, VLOAD(bk + 2 * ps + LANES), s5);
      s6 = VFMA(av, VLOAD(bk + 3 * ps), s6);
      s7 = VFMA(av, VLOAD(bk + 3 * ps + LANES), s7);
    }
    const VEC s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    const int n0 = p * PW;
    add_lanes(c + n0, s, 8, N - n0 < 4 * PW ? N - n0 : 4 * PW);
  }
  for (; p < panels; p++) {
    const float *b = Wp + (size_t)p * ps;
    VEC s0 = VZERO(), s1 = s0;
    for (int k = 0; k < K; k++) {
      const VEC av = VBCAST(a + k);
      s0 = VFMA(av, VLOAD(b + (size_t)k * PW), s0);
      s1 = VFMA(av, VLOAD(b + (size_t)k * PW + LANES), s1);
    }
    const VEC s[2] = {s0, s1};
    const int n0 = p * PW;
    add_lanes(c + n0, s, 2, N - n0 < PW ? N - n0 : PW);
  }
}

void ISA_FN(gemm_acc)(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc) {
  if (M > 1) {
    /* Rows in equal blocks of at most MR (8 rows as 4 + 4, not 6 + 2): more accumulators per block hide the FMA latency. */
    const int blocks = (M + MR - 1) / MR;
    for (int i = 0; i < blocks; i++) {
      const int m0 = M * i / blocks, m1 = M * (i + 1) / blocks;
      block_rows(m1 - m0, N, K, A + (size_t)m0 * lda, lda, 1, Wp, K, 0, C + (size_t)m0 * ldc, ldc);
    }
    return;
  }
  for (int m = 0; m < M; m++) row_times_panels(N, K, A + (size_t)m * lda, Wp, C + (size_t)m * ldc);
}

int ISA_FN(gemm_rows)(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1) {
  /* Repacking A costs as much as one panel's arithmetic: it pays off only when several panels reuse it. */
  const int repack = (N + PW - 1) / PW > 2;
  float *ap = aligned_alloc(64, sizeof(float) * KC * MR);
  if (!ap) return 0;
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = K - k0 < KC ? K - k0 : KC;
    for (int m = m0; m < m1; m += MR) {
      const int R = m1 - m < MR ? m1 - m : MR;
      if (!repack) {
        block_rows(R, N, kc, A + m * ars + (long)k0 * acs, ars, acs, Wp, K, k0, C + (size_t)m * ldc, ldc);
        continue;
      }
      /* Repack rows m..m+R-1 of op(A)[:, k0:k0+kc] as [kc][MR]: the kernel then reads A contiguously. */
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < MR; r++) ap[k * MR + r] = r < R ? A[(m + r) * ars + (long)(k0 + k) * acs] : 0.0f;
      block_rows(R, N, kc, ap, 1, MR, Wp, K, k0, C + (size_t)m * ldc, ldc);
    }
  }
  free(ap);
  return 1;
}
