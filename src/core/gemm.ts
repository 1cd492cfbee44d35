import type { Arr } from './dtype';

/**
 * Row-major matrix products on flat arrays. Each accumulates into C (C += ...),
 * which is what backward passes need; zero C first for a plain product.
 * Offsets let callers address a sub-matrix (e.g. one time step of a sequence buffer).
 */

/** C[M,N] += A[M,K] · B[N,K]^T  (both operands walked along contiguous rows). */
export function gemmNT(
  M: number, N: number, K: number,
  A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number,
): void {
  const K4 = K - (K % 4);
  for (let i = 0; i < M; i++) {
    const ai = aOff + i * K;
    const ci = cOff + i * N;
    for (let j = 0; j < N; j++) {
      const bj = bOff + j * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k < K4; k += 4) {
        s0 += A[ai + k] * B[bj + k];
        s1 += A[ai + k + 1] * B[bj + k + 1];
        s2 += A[ai + k + 2] * B[bj + k + 2];
        s3 += A[ai + k + 3] * B[bj + k + 3];
      }
      for (; k < K; k++) s0 += A[ai + k] * B[bj + k];
      C[ci + j] += s0 + s1 + s2 + s3;
    }
  }
}

/** C[M,N] += A[M,K] · B[K,N]. */
export function gemmNN(
  M: number, N: number, K: number,
  A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number,
): void {
  for (let i = 0; i < M; i++) {
    const ai = aOff + i * K;
    const ci = cOff + i * N;
    for (let k = 0; k < K; k++) {
      const a = A[ai + k];
      if (a === 0) continue;
      const bk = bOff + k * N;
      for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

/** C[M,N] += A[K,M]^T · B[K,N]. */
export function gemmTN(
  M: number, N: number, K: number,
  A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number,
): void {
  for (let k = 0; k < K; k++) {
    const ak = aOff + k * M;
    const bk = bOff + k * N;
    for (let i = 0; i < M; i++) {
      const a = A[ak + i];
      if (a === 0) continue;
      const ci = cOff + i * N;
      for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

/** out[j] += sum over rows of A[rows, N]. Used for bias gradients. */
export function addRowSums(rows: number, N: number, A: Arr, aOff: number, out: Arr): void {
  for (let r = 0; r < rows; r++) {
    const o = aOff + r * N;
    for (let j = 0; j < N; j++) out[j] += A[o + j];
  }
}

/** A [cols, rows] float32 copy of the row-major [rows, cols] matrix a. */
export function transposed(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
