/* Packed-panel matrix products, AVX2+FMA or AVX-512 (chosen once: isa.h). */
#ifndef RNNKIT_GEMM_H
#define RNNKIT_GEMM_H
#include <stddef.h>

/*
 * Packs the N x K matrix W, element (n, k) at w[n*sn + k*sk], as panels of P columns of Wᵀ:
 * [ceil(N/P)][K][P], zero past N, so that every k-step of a kernel reads one contiguous panel row.
 * P is the chosen ISA's panel width (16 AVX2, 32 AVX-512): pack for the kernels that will read it.
 * Returns NULL when out of memory; free() the result.
 */
float *pack_panels(const float *w, int N, int K, long sn, long sk);

/* C[M x N] (row stride ldc) += A[M x K] (row stride lda) · Wᵀ, W packed. For per-step products. */
void gemm_acc(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc);

/*
 * Rows m0..m1-1 of C[M x N] += op(A)·Wᵀ with op(A)[i,k] = A[i*ars + k*acs] and W packed (K deep):
 * A is repacked in row blocks of the tile height and K is walked in fixed-size chunks, always in the same order.
 * Returns 0 when out of memory.
 */
int gemm_rows(int N, int K, const float *A, long ars, long acs, const float *Wp, float *C, int ldc, int m0, int m1);

#endif
