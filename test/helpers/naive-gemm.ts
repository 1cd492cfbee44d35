/** Naive reference for the GEMM tests: C += op(A) op(B), operands given by index functions. */
export function naiveGemm(M: number, N: number, K: number, a: (i: number, k: number) => number, b: (k: number, j: number) => number, C: Float64Array): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) C[i * N + j] += a(i, k) * b(k, j);
}
