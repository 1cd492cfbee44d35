import type { Arr } from '../core/dtype';
import { jsKernels } from './js';
import { nativeAddon, type NativeAddon } from './native-addon';
import type { GemmTN, Kernels, SequenceShape } from './types';

/**
 * The native kernels (native/src, AVX2+FMA, two threads). Each thread owns disjoint rows of every
 * output and sums in a fixed order, so results are the same on every run. Float64 data and products
 * too small to be worth the call stay on the JS kernels.
 */
const THREADS = 2;
/** Products below this many multiply-adds stay in JS: packing the operand would cost more. */
const NATIVE_MIN_WORK = 4096;

const f32 = (...arrays: (Arr | null)[]): boolean => arrays.every((a) => a === null || a instanceof Float32Array);

/** The addon takes float32 data and at least one sequence of at least one step; JS serves the rest. */
const sequenceFits = (shape: SequenceShape, ...arrays: (Arr | null)[]): boolean => shape.B > 0 && shape.T > 0 && f32(...arrays);

/**
 * A product whose operands are read through strides: op(A)[i,k] = A[aOff + i·ars + k·acs],
 * op(B)[k,j] = B[bOff + j·bns + k·bks]; `fallback` serves float64 and small products.
 */
function stridedGemm(a: NativeAddon, fallback: GemmTN, strides: (M: number, N: number, K: number, lda?: number, ldb?: number) => [number, number, number, number]): GemmTN {
  return (M, N, K, A, aOff, B, bOff, C, cOff, lda, ldb) => {
    if (M * N * K < NATIVE_MIN_WORK || !f32(A, B, C)) return fallback(M, N, K, A, aOff, B, bOff, C, cOff, lda, ldb);
    const [ars, acs, bns, bks] = strides(M, N, K, lda, ldb);
    a.gemm(M, N, K, THREADS, aOff, ars, acs, bOff, bns, bks, cOff, N, A as Float32Array, B as Float32Array, C as Float32Array);
  };
}

function nativeKernels(a: NativeAddon): Kernels {
  return {
    name: 'native',
    gemmNT: stridedGemm(a, jsKernels.gemmNT, (_M, _N, K) => [K, 1, K, 1]),
    gemmNN: stridedGemm(a, jsKernels.gemmNN, (_M, N, K) => [K, 1, 1, N]),
    gemmTN: stridedGemm(a, jsKernels.gemmTN, (M, N, _K, lda = M, ldb = N) => [1, lda, 1, ldb]),
    linear(rows, out, inp, x, w, b, y) {
      if (!f32(x, w, b, y) || x.length !== rows * inp || y.length !== rows * out) return jsKernels.linear(rows, out, inp, x, w, b, y);
      a.linear(rows, out, inp, THREADS, x as Float32Array, w as Float32Array, b as Float32Array, y as Float32Array);
    },
    sequenceForward(shape, buf) {
      const { cell, B, T, I, H, reverse } = shape;
      if (!sequenceFits(shape, buf.x, buf.wIh, buf.wHh, buf.bIh, buf.bHh, buf.hs, buf.cs, buf.cache, buf.y)) return jsKernels.sequenceForward(shape, buf);
      a.forward(cell.code, cell.gates, cell.cacheBlocks, B, T, I, H, reverse ? 1 : 0, THREADS,
        buf.x as Float32Array, buf.wIh as Float32Array, buf.wHh as Float32Array, buf.bIh as Float32Array, buf.bHh as Float32Array,
        buf.hs as Float32Array, cell.hasCellState ? (buf.cs as Float32Array) : null, buf.cache as Float32Array, buf.y as Float32Array, buf.lengths);
    },
    sequenceInference(shape, buf) {
      const { cell, B, T, I, H, reverse } = shape;
      if (!sequenceFits(shape, buf.x, buf.wIh, buf.wHh, buf.bIh, buf.bHh, buf.h, buf.c, buf.y)) return jsKernels.sequenceInference(shape, buf);
      a.forward(cell.code, cell.gates, cell.cacheBlocks, B, T, I, H, reverse ? 1 : 0, THREADS,
        buf.x as Float32Array, buf.wIh as Float32Array, buf.wHh as Float32Array, buf.bIh as Float32Array, buf.bHh as Float32Array,
        buf.h as Float32Array, cell.hasCellState ? (buf.c as Float32Array) : null, null, buf.y as Float32Array, buf.lengths);
    },
    sequenceBackward(shape, buf) {
      const { cell, B, T, H, reverse } = shape;
      if (!sequenceFits(shape, buf.hs, buf.cs, buf.cache, buf.dy, buf.wHh, buf.dh, buf.dc, buf.dxg, buf.dhg, buf.dbIh, buf.dbHh)) return jsKernels.sequenceBackward(shape, buf);
      const norms = new Float32Array(T);
      a.backward(cell.code, cell.gates, cell.cacheBlocks, B, T, H, reverse ? 1 : 0, THREADS,
        buf.hs as Float32Array, cell.hasCellState ? (buf.cs as Float32Array) : null, buf.cache as Float32Array, buf.dy as Float32Array | null,
        buf.wHh as Float32Array, buf.dh as Float32Array, cell.hasCellState ? (buf.dc as Float32Array) : null,
        buf.dxg as Float32Array, buf.dhg as Float32Array, norms, buf.dbIh as Float32Array, buf.dbHh as Float32Array, buf.lengths);
      buf.norms.set(norms);
    },
    softmaxRows(rows, cols, x, scale, y, logZ) {
      a.softmax(rows, cols, x, y, logZ, scale);
    },
  };
}

let cached: Kernels | null | undefined;

/** The native kernels, or null when the addon is not built or the CPU lacks AVX2/FMA. */
export function loadNativeKernels(): Kernels | null {
  if (cached === undefined) {
    const a = nativeAddon();
    cached = a ? nativeKernels(a) : null;
  }
  return cached;
}
