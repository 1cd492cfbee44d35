/* Packed-panel AVX2+FMA matrix products. */
#ifndef RNNKIT_GEMM_H
#define RNNKIT_GEMM_H
#include <stddef.h>

#define PANEL 16

/*
 * Packs the N x K matrix W, element (n, k) at w[n*sn + k*sk], as panels of 16 columns of Wᵀ:
 * [ceil(N/16)][K][16], zero past N, so that every k-step of a kernel reads 64 contiguous bytes.
 * Returns NULL when out of memory; free() the result.
 */
float *pack_panels(const float *w, int N, int K, long sn, long sk);

/* C[M x N] (row stride ldc) += A[M x K] (row stride lda) · Wᵀ, W packed. For per-step products. */
void gemm_acc(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc);

/*
 * Rows m0..m1-1 of C[M x N] += op(A)·Wᵀ with op(A)[i,k] = A[i*ars + k*acs] and W packed (K deep):
 * A is repacked in 6-row blocks and K is walked in fixed-size chunks, always in the same order.
 * Returns 0 when out of memory.
 */
int gemm_rows(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1);

#endif
