import * as fs from 'fs';
import * as path from 'path';
import { CELL_CODE } from '../layers/cells';

/**
 * The WebAssembly SIMD GEMM kernel (assembly/gemm.ts, built into build/rnnkit-simd.wasm by
 * `npm run build`). Operands are copied into the module's linear memory: a stack of regions
 * where long-lived operands (a weight matrix reused at every time step) are pinned and
 * per-call operands sit above them.
 */
interface Exports {
  memory: WebAssembly.Memory;
  gemm(M: number, N: number, K: number, a: number, rs: number, cs: number, b: number, c: number): void;
}

const WASM_FILE = path.join(__dirname, '..', '..', 'build', 'rnnkit-simd.wasm');
const BASE = 65536; // leave the first page to the module's own data

let exportsCache: Exports | null | undefined;
let top = BASE;
let heap = new Float32Array(0);

/** The loaded kernel, or null when the file is missing or the runtime lacks SIMD. */
export function wasmKernel(): Exports | null {
  if (exportsCache !== undefined) return exportsCache;
  try {
    const module = new WebAssembly.Module(fs.readFileSync(WASM_FILE));
    exportsCache = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    heap = new Float32Array(exportsCache.memory.buffer);
  } catch {
    exportsCache = null;
  }
  return exportsCache;
}

/** Reserves `floats` values on the region stack; returns the byte offset. */
function reserve(k: Exports, floats: number): number {
  const at = top;
  const end = at + floats * 4;
  const have = k.memory.buffer.byteLength;
  if (end > have) {
    k.memory.grow(Math.ceil((end - have) / 65536));
    heap = new Float32Array(k.memory.buffer); // growing detaches the old view
  }
  top = end;
  return at;
}

/** Reserves n floats, filled from src (its first n values), zeroed, or left as they are. */
function region(k: Exports, src: Float32Array | null, n: number, zero = false): number {
  const at = reserve(k, n);
  if (src) heap.set(src.subarray(0, n), at >> 2);
  else if (zero) heap.fill(0, at >> 2, (at >> 2) + n);
  return at;
}

/** Reserves B ints holding the sequence lengths. */
function lengthsRegion(k: Exports, lengths: Int32Array, B: number): number {
  const at = reserve(k, B);
  new Int32Array(heap.buffer, at, B).set(lengths.subarray(0, B));
  return at;
}

/** Copies heap floats [at, at + n) into dst. */
function copyOut(dst: Float32Array, at: number, n: number): void {
  dst.set(heap.subarray(at >> 2, (at >> 2) + n));
}

/** Copies a [rows, cols] matrix (rows `stride` apart in src) to `at` as a contiguous one, transposed if asked. */
function put(at: number, src: Float32Array, off: number, rows: number, cols: number, transpose: boolean, stride = cols): void {
  const dst = at >> 2;
  if (!transpose && stride === cols) {
    heap.set(src.subarray(off, off + rows * cols), dst);
    return;
  }
  if (!transpose) {
    for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * stride, off + r * stride + cols), dst + r * cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = off + r * stride;
    for (let c = 0; c < cols; c++) heap[dst + c * rows + r] = src[s + c];
  }
}

/**
 * C[M,N] += op(A)·B with op(A)[i,k] = A[aOff + i*rs + k*cs]; B is [K,N] with rows ldb apart (or, with
 * bTransposed, stored as [N,K]); bAt: an already pinned B.
 */
export function wasmGemm(
  k: Exports, M: number, N: number, K: number,
  A: Float32Array, aOff: number, rs: number, cs: number,
  B: Float32Array | number, bOff: number, bTransposed: boolean,
  C: Float32Array, cOff: number, ldb = N,
): void {
  const mark = top;
  // The span op(A) reads, copied as it is (rs and cs stay valid): M·K values when A is a whole [M,K] or [K,M].
  const aLen = (M - 1) * rs + (K - 1) * cs + 1;
  const a = reserve(k, aLen);
  const b = typeof B === 'number' ? B : reserve(k, K * N);
  const c = reserve(k, M * N);
  heap.set(A.subarray(aOff, aOff + aLen), a >> 2);
  if (typeof B !== 'number') {
    if (bTransposed) put(b, B, bOff, N, K, true);
    else put(b, B, bOff, K, N, false, ldb);
  }
  heap.set(C.subarray(cOff, cOff + M * N), c >> 2);
  k.gemm(M, N, K, a, rs, cs, b, c);
  C.set(heap.subarray(c >> 2, (c >> 2) + M * N), cOff);
  top = mark;
}

/** Pins a [K,N] matrix (copied, optionally from its [N,K] transpose) until release(). */
export function wasmPin(k: Exports, B: Float32Array, bOff: number, K: number, N: number, transposed: boolean): { at: number; release(): void } {
  const mark = top;
  const at = reserve(k, K * N);
  if (transposed) put(at, B, bOff, N, K, true);
  else put(at, B, bOff, K, N, false);
  return {
    at,
    release: () => {
      if (top !== at + K * N * 4) throw new Error('wasm regions released out of order');
      top = mark;
    },
  };
}

interface SequenceExports extends Exports {
  backward_sequence(
    cell: number, gates: number, cacheBlocks: number, B: number, T: number, H: number, reverse: number,
    hs: number, cs: number, cache: number, dy: number, lengths: number, whh: number,
    dh: number, dc: number, dhPrev: number, dxg: number, dhg: number, norms: number, dbih: number, dbhh: number, dq: number,
  ): void;
  forward_sequence(
    cell: number, gates: number, cacheBlocks: number, B: number, T: number, I: number, H: number, reverse: number,
    x: number, wihT: number, bih: number, whhT: number, bhh: number, lengths: number,
    xg: number, hg: number, hs: number, cs: number, cache: number, y: number, whnT: number, q: number, hgn: number,
  ): void;
}

export interface SequenceBuffers {
  x: Float32Array; wIh: Float32Array; bIh: Float32Array; wHh: Float32Array; bHh: Float32Array;
  lengths: Int32Array;
  /** In: hs[0] (and cs[0]) hold the initial state. Out: every state, the backward cache, outputs. */
  hs: Float32Array; cs: Float32Array | null; cache: Float32Array; y: Float32Array;
}

/**
 * Fused forward pass of one recurrent direction (assembly/recurrent.ts). H must be a
 * multiple of 4 (the pointwise loops are 4 lanes wide).
 */
export function wasmForwardSequence(
  cell: number, gates: number, cacheBlocks: number, B: number, T: number, I: number, H: number, reverse: boolean,
  buf: SequenceBuffers,
): void {
  const k = wasmKernel() as SequenceExports;
  const GH = gates * H;
  const mark = top;
  try {
    const x = region(k, buf.x, B * T * I);
    const wihT = reserve(k, I * GH);
    put(wihT, buf.wIh, 0, GH, I, true);
    const bih = region(k, buf.bIh, GH);
    // The reset-before GRU's W_hh r, z rows (RG of them) and its W_hn go in apart: W_hn multiplies r ⊙ h.
    const RG = cell === CELL_CODE.gruResetBefore ? 2 * H : GH;
    const whhT = reserve(k, H * RG);
    put(whhT, buf.wHh, 0, RG, H, true);
    const whnT = reserve(k, (GH - RG) * H);
    put(whnT, buf.wHh, RG * H, GH - RG, H, true);
    const bhh = region(k, buf.bHh, GH);
    const lengths = lengthsRegion(k, buf.lengths, B);
    const xg = reserve(k, B * T * GH);
    const hg = reserve(k, B * RG);
    const q = reserve(k, RG < GH ? B * H : 0);
    const hgn = reserve(k, RG < GH ? B * H : 0);
    // Only the initial state (row 0) goes in; the kernel writes the rest.
    const hs = reserve(k, (T + 1) * B * H);
    heap.set(buf.hs.subarray(0, B * H), hs >> 2);
    const cs = reserve(k, buf.cs ? (T + 1) * B * H : 0);
    if (buf.cs) heap.set(buf.cs.subarray(0, B * H), cs >> 2);
    const cache = reserve(k, T * B * cacheBlocks * H);
    const y = region(k, null, B * T * H, true);
    k.forward_sequence(cell, gates, cacheBlocks, B, T, I, H, reverse ? 1 : 0, x, wihT, bih, whhT, bhh, lengths, xg, hg, hs, cs, cache, y, whnT, q, hgn);
    copyOut(buf.hs, hs, (T + 1) * B * H);
    if (buf.cs) copyOut(buf.cs, cs, (T + 1) * B * H);
    copyOut(buf.cache, cache, T * B * cacheBlocks * H);
    copyOut(buf.y, y, B * T * H);
  } finally {
    top = mark;
  }
}

export interface BackwardBuffers {
  hs: Float32Array; cs: Float32Array | null; cache: Float32Array; dy: Float32Array | null;
  lengths: Int32Array; wHh: Float32Array;
  /** In: dL/d(final state). Out: dL/d(initial state). */
  dh: Float32Array; dc: Float32Array;
  /** Out (zeroed here): input and recurrent pre-activation gradients, and ||dL/dh_t|| per step. */
  dxg: Float32Array; dhg: Float32Array; norms: Float32Array;
  /** In/out: the bias gradients, to which this pass adds. */
  dbIh: Float32Array; dbHh: Float32Array;
}

/** Fused backward pass of one direction (assembly/recurrent.ts backward_sequence). */
export function wasmBackwardSequence(
  cell: number, gates: number, cacheBlocks: number, B: number, T: number, H: number, reverse: boolean, buf: BackwardBuffers,
): void {
  const k = wasmKernel() as SequenceExports;
  const GH = gates * H;
  const mark = top;
  try {
    const hs = region(k, buf.hs, (T + 1) * B * H);
    const cs = buf.cs ? region(k, buf.cs, (T + 1) * B * H) : 0;
    const cache = region(k, buf.cache, T * B * cacheBlocks * H);
    const dy = buf.dy ? region(k, buf.dy, B * T * H) : 0;
    const lengths = lengthsRegion(k, buf.lengths, B);
    const whh = region(k, buf.wHh, GH * H);
    const dh = region(k, buf.dh, B * H);
    const dc = region(k, buf.dc, B * H);
    const dhPrev = region(k, null, B * H, true);
    const dxg = region(k, null, B * T * GH, true);
    const dhg = region(k, null, T * B * GH, true);
    const norms = region(k, null, T, true);
    const dbih = region(k, buf.dbIh, GH);
    const dbhh = region(k, buf.dbHh, GH);
    const dq = reserve(k, cell === CELL_CODE.gruResetBefore ? B * H : 0);
    k.backward_sequence(cell, gates, cacheBlocks, B, T, H, reverse ? 1 : 0, hs, cs, cache, dy, lengths, whh, dh, dc, dhPrev, dxg, dhg, norms, dbih, dbhh, dq);
    copyOut(buf.dh, dh, B * H);
    copyOut(buf.dc, dc, B * H);
    copyOut(buf.dxg, dxg, B * T * GH);
    copyOut(buf.dhg, dhg, T * B * GH);
    copyOut(buf.norms, norms, T);
    copyOut(buf.dbIh, dbih, GH);
    copyOut(buf.dbHh, dbhh, GH);
  } finally {
    top = mark;
  }
}
