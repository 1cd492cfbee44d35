import type { Arr } from '../core/dtype';
import { gemmStridedA, jsGemmNT, jsRightOperand, linearByGemm, type RightOperandFactory } from './js-gemm';
import { inferViaTrainingForward, steppedBackward, steppedForward } from './stepped';
import type { Kernels, SequenceShape } from './types';
import { wasmBackwardSequence, wasmForwardSequence, wasmGemm, wasmKernel, wasmPin } from './wasm-module';

/**
 * The WebAssembly SIMD kernels (assembly/, built into build/rnnkit-simd.wasm): GEMMs, and the fused
 * forward and backward time loops. Operands are copied into the module's memory, so small products
 * and float64 data stay on the JS kernels.
 */

/** Products below this many multiply-adds stay in JS: copying into wasm memory would cost more. */
const WASM_MIN_WORK = 4096;

const f32 = (...arrays: Arr[]): boolean => arrays.every((a) => a instanceof Float32Array);

function worthIt(M: number, N: number, K: number, A: Arr, B: Arr, C: Arr): boolean {
  return M * N * K >= WASM_MIN_WORK && f32(A, B, C);
}

const rightOperand: RightOperandFactory = (B, bOff, K, N, transposed) => {
  if (!(B instanceof Float32Array)) return jsRightOperand(B, bOff, K, N, transposed);
  const k = wasmKernel()!;
  const pinned = wasmPin(k, B, bOff, K, N, transposed);
  const fallback = jsRightOperand(B, bOff, K, N, transposed);
  return {
    mulAdd: (M, A, aOff, C, cOff) => {
      if (M * N * K >= WASM_MIN_WORK && A instanceof Float32Array && C instanceof Float32Array) {
        wasmGemm(k, M, N, K, A, aOff, K, 1, pinned.at, 0, false, C, cOff);
      } else fallback.mulAdd(M, A, aOff, C, cOff);
    },
    release: pinned.release,
  };
};

const gemmNT: Kernels['gemmNT'] = (M, N, K, A, aOff, B, bOff, C, cOff) => {
  if (worthIt(M, N, K, A, B, C)) wasmGemm(wasmKernel()!, M, N, K, A as Float32Array, aOff, K, 1, B as Float32Array, bOff, true, C as Float32Array, cOff);
  else jsGemmNT(M, N, K, A, aOff, B, bOff, C, cOff);
};

/** The fused loops need float32 data and a hidden size the 4-lane loops cover. */
const fused = (shape: SequenceShape, ...arrays: Arr[]): boolean => shape.H % 4 === 0 && f32(...arrays);

const sequenceForward: Kernels['sequenceForward'] = (shape, buf) => {
  const { cell, B, T, I, H, reverse } = shape;
  if (!fused(shape, buf.x, buf.wIh, buf.wHh, buf.hs)) return steppedForward(shape, buf, gemmNT, rightOperand);
  wasmForwardSequence(cell.code, cell.gates, cell.cacheBlocks, B, T, I, H, reverse, {
    x: buf.x as Float32Array, wIh: buf.wIh as Float32Array, bIh: buf.bIh as Float32Array,
    wHh: buf.wHh as Float32Array, bHh: buf.bHh as Float32Array, lengths: buf.lengths,
    hs: buf.hs as Float32Array, cs: cell.hasCellState ? (buf.cs as Float32Array) : null, cache: buf.cache as Float32Array, y: buf.y as Float32Array,
  });
};

export const wasmKernels: Kernels = {
  name: 'wasm',
  gemmNT,
  gemmNN: (M, N, K, A, aOff, B, bOff, C, cOff) => {
    if (worthIt(M, N, K, A, B, C)) wasmGemm(wasmKernel()!, M, N, K, A as Float32Array, aOff, K, 1, B as Float32Array, bOff, false, C as Float32Array, cOff);
    else gemmStridedA(M, N, K, A, aOff, K, 1, B, bOff, C, cOff);
  },
  gemmTN: (M, N, K, A, aOff, B, bOff, C, cOff, lda = M, ldb = N) => {
    if (worthIt(M, N, K, A, B, C)) wasmGemm(wasmKernel()!, M, N, K, A as Float32Array, aOff, 1, lda, B as Float32Array, bOff, false, C as Float32Array, cOff, ldb);
    else gemmStridedA(M, N, K, A, aOff, 1, lda, B, bOff, C, cOff, ldb);
  },
  linear: linearByGemm(gemmNT),
  sequenceForward,
  sequenceInference: inferViaTrainingForward(sequenceForward),
  sequenceBackward(shape, buf) {
    const { cell, B, T, H, reverse } = shape;
    if (!fused(shape, buf.hs, buf.wHh, buf.dh)) return steppedBackward(shape, buf, rightOperand);
    const norms = new Float32Array(T);
    wasmBackwardSequence(cell.code, cell.gates, cell.cacheBlocks, B, T, H, reverse, {
      hs: buf.hs as Float32Array, cs: cell.hasCellState ? (buf.cs as Float32Array) : null, cache: buf.cache as Float32Array,
      dy: buf.dy as Float32Array | null, lengths: buf.lengths, wHh: buf.wHh as Float32Array,
      dh: buf.dh as Float32Array, dc: buf.dc as Float32Array, dxg: buf.dxg as Float32Array, dhg: buf.dhg as Float32Array, norms,
      dbIh: buf.dbIh as Float32Array, dbHh: buf.dbHh as Float32Array,
    });
    buf.norms.set(norms);
  },
};

/** Whether build/rnnkit-simd.wasm loaded and the runtime has SIMD. */
export const wasmAvailable = (): boolean => wasmKernel() !== null;
