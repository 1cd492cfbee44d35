import type { Arr } from '../core/dtype';
import type { Gemm } from './types';

/**
 * The pure-TS matrix kernels: the reference the others are tested against, the float64 path and the
 * fallback for products too small to be worth a copy into another kernel's memory.
 * They work on 4x4 tiles of C held in local variables, so each value loaded from A or B feeds four
 * multiply-adds instead of one. Each accumulates into C.
 */

/** JS kernel: C[M,N] += A[M,K] · B[N,K]^T  (rows of A against rows of B: dot products). */
export function jsGemmNT(
  M: number, N: number, K: number,
  A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bOff + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k];
        const y0 = B[b0 + k], y1 = B[b1 + k], y2 = B[b2 + k], y3 = B[b3 + k];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const r0 = cOff + i * N + j, r1 = r0 + N, r2 = r1 + N, r3 = r2 + N;
      C[r0] += c00; C[r0 + 1] += c01; C[r0 + 2] += c02; C[r0 + 3] += c03;
      C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
      C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
      C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
    }
  }
  // Edges: the rows below M4 (all columns) and the columns right of N4 (rows above M4).
  dotEdge(M4, M, 0, N, K, A, aOff, B, bOff, C, cOff, N);
  dotEdge(0, M4, N4, N, K, A, aOff, B, bOff, C, cOff, N);
}

function dotEdge(
  i0: number, i1: number, j0: number, j1: number, K: number,
  A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number, N: number,
): void {
  // One row of A against four rows of B at a time (the batch-1 inference case lives here).
  const j4 = j0 + (j1 - j0) - ((j1 - j0) % 4);
  for (let i = i0; i < i1; i++) {
    const ai = aOff + i * K;
    const ci = cOff + i * N;
    for (let j = j0; j < j4; j += 4) {
      const b0 = bOff + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[ai + k];
        s0 += x * B[b0 + k];
        s1 += x * B[b1 + k];
        s2 += x * B[b2 + k];
        s3 += x * B[b3 + k];
      }
      C[ci + j] += s0;
      C[ci + j + 1] += s1;
      C[ci + j + 2] += s2;
      C[ci + j + 3] += s3;
    }
    for (let j = j4; j < j1; j++) {
      const bj = bOff + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ai + k] * B[bj + k];
      C[ci + j] += s;
    }
  }
}

/**
 * C[M,N] += op(A) · B[K,N] where op(A)[i,k] = A[aOff + i*rowStride + k*colStride] and B's rows lie ldb apart.
 * Rows of B and C are walked contiguously; 4 rows of C and 4 steps of k at a time.
 */
export function gemmStridedA(
  M: number, N: number, K: number,
  A: Arr, aOff: number, rs: number, cs: number, B: Arr, bOff: number, C: Arr, cOff: number, ldb = N,
): void {
  const M4 = M - (M % 4);
  const K4 = K - (K % 4);
  for (let i = 0; i < M4; i += 4) {
    const c0 = cOff + i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    for (let k = 0; k < K4; k += 4) {
      const p = aOff + i * rs + k * cs;
      const a00 = A[p], a01 = A[p + cs], a02 = A[p + 2 * cs], a03 = A[p + 3 * cs];
      const a10 = A[p + rs], a11 = A[p + rs + cs], a12 = A[p + rs + 2 * cs], a13 = A[p + rs + 3 * cs];
      const a20 = A[p + 2 * rs], a21 = A[p + 2 * rs + cs], a22 = A[p + 2 * rs + 2 * cs], a23 = A[p + 2 * rs + 3 * cs];
      const a30 = A[p + 3 * rs], a31 = A[p + 3 * rs + cs], a32 = A[p + 3 * rs + 2 * cs], a33 = A[p + 3 * rs + 3 * cs];
      const b0 = bOff + k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < N; j++) {
        const y0 = B[b0 + j], y1 = B[b1 + j], y2 = B[b2 + j], y3 = B[b3 + j];
        C[c0 + j] += a00 * y0 + a01 * y1 + a02 * y2 + a03 * y3;
        C[c1 + j] += a10 * y0 + a11 * y1 + a12 * y2 + a13 * y3;
        C[c2 + j] += a20 * y0 + a21 * y1 + a22 * y2 + a23 * y3;
        C[c3 + j] += a30 * y0 + a31 * y1 + a32 * y2 + a33 * y3;
      }
    }
    for (let k = K4; k < K; k++) {
      const p = aOff + i * rs + k * cs;
      const a0 = A[p], a1 = A[p + rs], a2 = A[p + 2 * rs], a3 = A[p + 3 * rs];
      const bk = bOff + k * ldb;
      for (let j = 0; j < N; j++) {
        const y = B[bk + j];
        C[c0 + j] += a0 * y;
        C[c1 + j] += a1 * y;
        C[c2 + j] += a2 * y;
        C[c3 + j] += a3 * y;
      }
    }
  }
  for (let i = M4; i < M; i++) {
    const ci = cOff + i * N;
    for (let k = 0; k < K; k++) {
      const a = A[aOff + i * rs + k * cs];
      if (a === 0) continue;
      const bk = bOff + k * ldb;
      for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

/** A right-hand matrix B used by many products C[M,N] += A[M,K]·B (e.g. W_hh at every time step). */
export interface RightOperand {
  mulAdd(M: number, A: Arr, aOff: number, C: Arr, cOff: number): void;
  /** Frees what preparing the operand took (a wasm copy); call in LIFO order (try/finally). */
  release(): void;
}

/** Prepares B ([K,N], or stored as its transpose [N,K] when `transposed`) for repeated products. */
export type RightOperandFactory = (B: Arr, bOff: number, K: number, N: number, transposed: boolean) => RightOperand;

export const jsRightOperand: RightOperandFactory = (B, bOff, K, N, transposed) => ({
  mulAdd: transposed
    ? (M, A, aOff, C, cOff) => jsGemmNT(M, N, K, A, aOff, B, bOff, C, cOff)
    : (M, A, aOff, C, cOff) => gemmStridedA(M, N, K, A, aOff, K, 1, B, bOff, C, cOff),
  release: () => undefined,
});

/** y[rows, out] = x·wᵀ + b through a gemmNT. */
export const linearByGemm = (gemmNT: Gemm) => (rows: number, out: number, inp: number, x: Arr, w: Arr, b: Arr, y: Arr): void => {
  for (let r = 0; r < rows; r++) y.set(b.subarray(0, out), r * out);
  gemmNT(rows, out, inp, x, 0, w, 0, y, 0);
};
