import { alloc, dtypeOf, type Arr } from '../core/dtype';
import type { GradRefs, StepRefs } from '../layers/cells';
import type { RightOperandFactory } from './js-gemm';
import type { BackwardBuffers, ForwardBuffers, Gemm, InferenceBuffers, SequenceShape } from './types';

/**
 * The recurrence as a TS time loop around matrix products, for any cell (layers/cells.ts does the
 * pointwise math): the input projection of every step is one product, then per step one product
 * with W_hh. The JS backend runs on it, and the WASM one when its fused loop does not apply.
 */

/** out[j] += sum over rows of A[rows, N]. Used for bias gradients. */
export function addRowSums(rows: number, N: number, A: Arr, aOff: number, out: Arr): void {
  for (let r = 0; r < rows; r++) {
    const o = aOff + r * N;
    for (let j = 0; j < N; j++) out[j] += A[o + j];
  }
}

export function steppedForward(shape: SequenceShape, buf: ForwardBuffers, gemmNT: Gemm, rightOperand: RightOperandFactory): void {
  const { cell, B, T, I, H, reverse } = shape;
  const { hs, cs, cache, lengths, y } = buf;
  const GH = cell.gates * H;
  const BH = B * H;
  const CW = cell.cacheBlocks * H;
  const dtype = dtypeOf(hs);
  // xg[b,t,:] = W_ih x[b,t] + b_ih, for all steps in one product.
  const xg = alloc(dtype, B * T * GH);
  const hg = alloc(dtype, B * GH);
  for (let r = 0; r < B * T; r++) xg.set(buf.bIh, r * GH);
  gemmNT(B * T, GH, I, buf.x, 0, buf.wIh, 0, xg, 0);
  const refs: StepRefs = {
    xg, xgOff: 0, hg, hgOff: 0, hPrev: hs, hPrevOff: 0, cPrev: cs, cPrevOff: 0,
    h: hs, hOff: 0, c: cs, cOff: 0, cache, cacheOff: 0,
  };
  // W_hh is used at every step: prepared once. The reset-before GRU also multiplies W_hn by
  // q = r ⊙ h_{t-1} per sequence (its n rows of the first product are overwritten, a waste the
  // reference kernels accept for simplicity).
  const recurrent = rightOperand(buf.wHh, 0, H, GH, true);
  const resetN = cell.resetBefore ? rightOperand(buf.wHh, 2 * H * H, H, H, true) : null;
  const q = alloc(dtype, H);
  try {
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const prev = s * BH;
      const next = (s + 1) * BH;
      for (let b = 0; b < B; b++) hg.set(buf.bHh, b * GH);
      recurrent.mulAdd(B, hs, prev, hg, 0);
      for (let b = 0; b < B; b++) {
        if (t >= lengths[b]) {
          // Padded step: the state passes through untouched, output stays zero.
          hs.copyWithin(next + b * H, prev + b * H, prev + (b + 1) * H);
          if (cell.hasCellState) cs.copyWithin(next + b * H, prev + b * H, prev + (b + 1) * H);
          continue;
        }
        refs.xgOff = (b * T + t) * GH;
        refs.hgOff = b * GH;
        refs.hPrevOff = refs.cPrevOff = prev + b * H;
        refs.hOff = refs.cOff = next + b * H;
        refs.cacheOff = (s * B + b) * CW;
        if (resetN) {
          cell.resetState!(H, refs, q, 0);
          hg.set(buf.bHh.subarray(2 * H, GH), refs.hgOff + 2 * H);
          resetN.mulAdd(1, q, 0, hg, refs.hgOff + 2 * H);
        }
        cell.forward(H, refs);
        y.set(hs.subarray(next + b * H, next + (b + 1) * H), (b * T + t) * H);
      }
    }
  } finally {
    resetN?.release();
    recurrent.release();
  }
}

export function steppedBackward(shape: SequenceShape, buf: BackwardBuffers, rightOperand: RightOperandFactory): void {
  const { cell, B, T, H, reverse } = shape;
  const { hs, cs, cache, lengths, dy, dc, dxg, dhg, norms } = buf;
  const GH = cell.gates * H;
  const BH = B * H;
  const CW = cell.cacheBlocks * H;
  dxg.fill(0, 0, B * T * GH);
  dhg.fill(0, 0, T * B * GH);
  let dh = buf.dh;
  let dhPrev = alloc(dtypeOf(dh), BH);
  const refs: StepRefs = {
    xg: dxg, xgOff: 0, hg: dhg, hgOff: 0, hPrev: hs, hPrevOff: 0, cPrev: cs, cPrevOff: 0,
    h: hs, hOff: 0, c: cs, cOff: 0, cache, cacheOff: 0,
  };
  const g: GradRefs = { dh, dhOff: 0, dc, dcOff: 0, dxg, dxgOff: 0, dhg, dhgOff: 0, dhPrev, dhPrevOff: 0 };
  // dL/dh_{t-1} += dhg·W_hh, W_hh [G·H, H] prepared once. For the reset-before GRU per sequence:
  // dq = dhg_n·W_hn, then only the r, z rows (W_hh's first 2H) multiply dhg into dL/dh_{t-1}.
  const reset = cell.resetBefore
    ? { n: rightOperand(buf.wHh, 2 * H * H, H, H, false), rz: rightOperand(buf.wHh, 0, 2 * H, H, false) }
    : null;
  const recurrent = reset ? null : rightOperand(buf.wHh, 0, GH, H, false);
  const dq = alloc(dtypeOf(dh), H);
  try {
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      const prev = s * BH;
      const next = (s + 1) * BH;
      g.dh = dh;
      g.dhPrev = dhPrev;
      let sq = 0;
      for (let b = 0; b < B; b++) {
        const o = b * H;
        if (t >= lengths[b]) {
          // Padded step: the state passed through, so its gradient does too (dhg row stays 0).
          dhPrev.set(dh.subarray(o, o + H), o);
          continue;
        }
        if (dy) {
          const yo = (b * T + t) * H;
          for (let j = 0; j < H; j++) dh[o + j] += dy[yo + j];
        }
        for (let j = 0; j < H; j++) sq += dh[o + j] * dh[o + j];
        refs.hPrevOff = refs.cPrevOff = prev + o;
        refs.hOff = refs.cOff = next + o;
        refs.cacheOff = (s * B + b) * CW;
        g.dhOff = g.dcOff = g.dhPrevOff = o;
        g.dxgOff = (b * T + t) * GH;
        g.dhgOff = (s * B + b) * GH;
        cell.backward(H, refs, g);
        if (reset) {
          dq.fill(0);
          reset.n.mulAdd(1, dhg, g.dhgOff + 2 * H, dq, 0);
          cell.resetBackward!(H, refs, g, dq, 0);
          reset.rz.mulAdd(1, dhg, g.dhgOff, dhPrev, o);
        }
      }
      norms[t] = Math.sqrt(sq);
      recurrent?.mulAdd(B, dhg, s * B * GH, dhPrev, 0);
      const swap = dh;
      dh = dhPrev;
      dhPrev = swap;
    }
  } finally {
    recurrent?.release();
    reset?.rz.release();
    reset?.n.release();
  }
  if (dh !== buf.dh) buf.dh.set(dh.subarray(0, BH));
  addRowSums(T * B, GH, dhg, 0, buf.dbHh);
  addRowSums(B * T, GH, dxg, 0, buf.dbIh);
}

/** Inference through a training forward (for kernels without a cache-free loop): the final state is copied back. */
export function inferViaTrainingForward(forward: (shape: SequenceShape, buf: ForwardBuffers) => void) {
  return (shape: SequenceShape, buf: InferenceBuffers): void => {
    const { cell, B, T, H } = shape;
    const BH = B * H;
    const dtype = dtypeOf(buf.h);
    const hs = alloc(dtype, (T + 1) * BH);
    const cs = alloc(dtype, cell.hasCellState ? (T + 1) * BH : 0);
    hs.set(buf.h.subarray(0, BH));
    if (buf.c) cs.set(buf.c.subarray(0, BH));
    forward(shape, { ...buf, hs, cs, cache: alloc(dtype, T * B * cell.cacheBlocks * H) });
    buf.h.set(hs.subarray(T * BH, (T + 1) * BH));
    if (buf.c) buf.c.set(cs.subarray(T * BH, (T + 1) * BH));
  };
}
