import { gemmNN, gemmNT, gemmTN } from '../src/core/gemm';
import { Rng } from '../src/core/rng';
import { naiveGemm } from './helpers/naive-gemm';

const rand = (n: number, rng: Rng) => Float64Array.from({ length: n }, () => rng.normal());

// Sizes around the 4x4 tiles: multiples, remainders, and degenerate 1s.
const sizes: [number, number, number][] = [[1, 1, 1], [4, 4, 4], [5, 7, 3], [8, 12, 9], [3, 2, 17], [13, 6, 4], [6, 1, 6]];

describe.each(sizes)('GEMM kernels against a naive product, M=%i N=%i K=%i', (M, N, K) => {
  const rng = new Rng(M * 100 + N * 10 + K);
  const off = 3; // every operand starts at an offset, as time-step slices do
  const C0 = rand(M * N + off, rng);

  // [name, kernel, A length, B length, op(A)[i,k], op(B)[k,j]]
  const kernels: [string, typeof gemmNT, (A: Float64Array, i: number, k: number) => number, (B: Float64Array, k: number, j: number) => number][] = [
    ['gemmNT: C += A·Bᵀ', gemmNT, (A, i, k) => A[off + i * K + k], (B, k, j) => B[off + j * K + k]],
    ['gemmNN: C += A·B', gemmNN, (A, i, k) => A[off + i * K + k], (B, k, j) => B[off + k * N + j]],
    ['gemmTN: C += Aᵀ·B', gemmTN, (A, i, k) => A[off + k * M + i], (B, k, j) => B[off + k * N + j]],
  ];
  it.each(kernels)('%s', (_name, kernel, a, b) => {
    const A = rand(M * K + off, rng);
    const B = rand(N * K + off, rng);
    const want = C0.slice(off);
    naiveGemm(M, N, K, (i, k) => a(A, i, k), (k, j) => b(B, k, j), want);
    const C = C0.slice();
    kernel(M, N, K, A, off, B, off, C, off);
    C.slice(off).forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
  });
});
