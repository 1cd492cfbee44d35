import { dtypeOf, type Arr } from './dtype';
import { kernelsFor } from '../kernels';

/**
 * Row-major matrix products on flat arrays through the selected kernels (src/kernels), for code
 * outside the layers (e.g. attention). Each accumulates into C (C += ...), which is what backward
 * passes need; zero C first for a plain product. Offsets address a sub-matrix.
 */

/** C[M,N] += A[M,K] · B[N,K]^T. */
export function gemmNT(M: number, N: number, K: number, A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number): void {
  kernelsFor(dtypeOf(C)).gemmNT(M, N, K, A, aOff, B, bOff, C, cOff);
}

/** C[M,N] += A[M,K] · B[K,N]. */
export function gemmNN(M: number, N: number, K: number, A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number): void {
  kernelsFor(dtypeOf(C)).gemmNN(M, N, K, A, aOff, B, bOff, C, cOff);
}

/** C[M,N] += A[K,M]^T · B[K,N]. */
export function gemmTN(M: number, N: number, K: number, A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number): void {
  kernelsFor(dtypeOf(C)).gemmTN(M, N, K, A, aOff, B, bOff, C, cOff);
}

/** A [cols, rows] float32 copy of the row-major [rows, cols] matrix a. */
export function transposed(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
