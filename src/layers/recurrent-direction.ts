import { alloc, type Arr, type DType } from '../core/dtype';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import type { Seq } from '../core/seq';
import { kernelsFor } from '../kernels';
import type { SequenceShape } from '../kernels/types';
import { RESET_STATE_BLOCK, type Cell } from './cells';

/** Final (or initial) state of one direction: h and, for LSTM, c; each [batch, hidden]. */
export interface DirectionState {
  h: Arr;
  c?: Arr;
}

/**
 * Runs one cell over a batch of sequences in one direction, with masking:
 * a sequence whose step t is at or past its length keeps its state unchanged and
 * outputs zeros there. The time loops run in the selected kernels (src/kernels); this class
 * owns the parameters and the activations kept for backward, reused across calls.
 */
export class RecurrentDirection {
  readonly wIh: Param;
  readonly wHh: Param;
  readonly bIh: Param;
  readonly bHh: Param;
  /** ||dL/dh_t|| over the batch for each time step t, filled by the last backward. */
  gradNorms: Float64Array = new Float64Array(0);

  // forward cache
  private x: Seq | null = null;
  /** The last forward was inference-only (no caches kept), so backward cannot follow it. */
  private inferenceOnly = false;
  private lengths: Int32Array = new Int32Array(0);
  private hs: Arr;
  private cs: Arr;
  private cache: Arr;
  private dxg: Arr;
  private dhg: Arr;

  constructor(
    readonly cell: Cell,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly reverse: boolean,
    readonly dtype: DType,
    suffix: string,
  ) {
    const GH = cell.gates * hiddenSize;
    this.wIh = makeParam(`weight_ih${suffix}`, [GH, inputSize], dtype);
    this.wHh = makeParam(`weight_hh${suffix}`, [GH, hiddenSize], dtype);
    this.bIh = makeParam(`bias_ih${suffix}`, [GH], dtype);
    this.bHh = makeParam(`bias_hh${suffix}`, [GH], dtype);
    this.hs = alloc(dtype, 0);
    this.cs = alloc(dtype, 0);
    this.cache = alloc(dtype, 0);
    this.dxg = alloc(dtype, 0);
    this.dhg = alloc(dtype, 0);
  }

  params(): Param[] {
    return [this.wIh, this.wHh, this.bIh, this.bHh];
  }

  /** PyTorch's default: every weight and bias uniform in ±1/sqrt(hidden). */
  init(rng: Rng, unitForgetBias: boolean): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.params()) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
    if (unitForgetBias && this.cell.type === 'lstm') {
      // Forget-gate bias of 1 (split over the two biases) keeps memory open early in training.
      const H = this.hiddenSize;
      for (let j = H; j < 2 * H; j++) {
        this.bIh.value[j] = 0.5;
        this.bHh.value[j] = 0.5;
      }
    }
  }

  private ensure(name: 'hs' | 'cs' | 'cache' | 'dxg' | 'dhg', n: number): Arr {
    if (this[name].length < n) this[name] = alloc(this.dtype, n);
    return this[name];
  }

  private shape(x: Seq): SequenceShape {
    return { cell: this.cell, B: x.batch, T: x.time, I: this.inputSize, H: this.hiddenSize, reverse: this.reverse };
  }

  private weights() {
    return { wIh: this.wIh.value, wHh: this.wHh.value, bIh: this.bIh.value, bHh: this.bHh.value };
  }

  /**
   * Output is [batch, time, hidden]; returns the final state too. With `inference`, no
   * backward caches are kept (so backward cannot follow).
   */
  forward(x: Seq, lengths: Int32Array, initial?: DirectionState, inference = false): { y: Seq; final: DirectionState } {
    const { batch: B, time: T } = x;
    const H = this.hiddenSize;
    const cell = this.cell;
    const BH = B * H;
    const kernels = kernelsFor(this.dtype);
    const y = alloc(this.dtype, B * T * H);
    const out = (final: DirectionState) => ({ y: { data: y, batch: B, time: T, features: H }, final });
    if (inference) {
      const h = alloc(this.dtype, BH);
      if (initial) h.set(initial.h.subarray(0, BH));
      const c = cell.hasCellState ? alloc(this.dtype, BH) : null;
      if (c && initial?.c) c.set(initial.c.subarray(0, BH));
      kernels.sequenceInference(this.shape(x), { x: x.data, ...this.weights(), lengths, h, c, y });
      this.x = null;
      this.inferenceOnly = true;
      return out(c ? { h, c } : { h });
    }
    this.inferenceOnly = false;
    this.x = x;
    this.lengths = lengths;
    const hs = this.ensure('hs', (T + 1) * BH);
    const cs = cell.hasCellState ? this.ensure('cs', (T + 1) * BH) : this.cs;
    const cache = this.ensure('cache', T * B * cell.cacheBlocks * H);
    hs.fill(0, 0, BH);
    if (initial) hs.set(initial.h.subarray(0, BH), 0);
    if (cell.hasCellState) {
      cs.fill(0, 0, BH);
      if (initial?.c) cs.set(initial.c.subarray(0, BH), 0);
    }
    kernels.sequenceForward(this.shape(x), { x: x.data, ...this.weights(), lengths, hs, cs, cache, y });
    const final: DirectionState = { h: hs.slice(T * BH, (T + 1) * BH) };
    if (cell.hasCellState) final.c = cs.slice(T * BH, (T + 1) * BH);
    return out(final);
  }

  /**
   * Backpropagates dL/dy (may be null) and dL/d(final state); accumulates parameter
   * gradients and returns dL/dx and dL/d(initial state).
   */
  backward(dy: Arr | null, dFinal?: Partial<DirectionState>): { dx: Seq; dInitial: DirectionState } {
    const x = this.x;
    if (this.inferenceOnly) throw new Error('backward after an inference-only forward (predict keeps no activations); call forward() before backward()');
    if (!x) throw new Error('backward called before forward');
    const { batch: B, time: T } = x;
    const H = this.hiddenSize;
    const I = this.inputSize;
    const GH = this.cell.gates * H;
    const BH = B * H;
    const kernels = kernelsFor(this.dtype);

    const dh = alloc(this.dtype, BH);
    const dc = alloc(this.dtype, BH);
    if (dFinal?.h) dh.set(dFinal.h.subarray(0, BH));
    if (dFinal?.c) dc.set(dFinal.c.subarray(0, BH));
    // Gradients of the input pre-activations [B, T, GH] and of the recurrent ones [T, B, GH] in
    // processing order, so that dW_ih and dW_hh are one product each after the loop.
    const dxg = this.ensure('dxg', B * T * GH);
    const dhg = this.ensure('dhg', T * B * GH);
    const norms = new Float64Array(T);
    kernels.sequenceBackward(this.shape(x), {
      hs: this.hs, cs: this.cs, cache: this.cache, lengths: this.lengths, wHh: this.wHh.value,
      dy, dh, dc, dxg, dhg, norms, dbIh: this.bIh.grad, dbHh: this.bHh.grad,
    });
    this.gradNorms = norms;
    this.recurrentWeightGrad(T * B, dhg);
    kernels.gemmTN(GH, I, B * T, dxg, 0, x.data, 0, this.wIh.grad, 0);
    const dx = alloc(this.dtype, B * T * I);
    kernels.gemmNN(B * T, I, GH, dxg, 0, this.wIh.value, 0, dx, 0);

    const dInitial: DirectionState = { h: dh };
    if (this.cell.hasCellState) dInitial.c = dc;
    return { dx: { data: dx, batch: B, time: T, features: I }, dInitial };
  }

  /**
   * dW_hh += Σ_s dhg_sᵀ · h_{s-1}: the states before each step are hs rows 0 .. T*B-1. The reset-before
   * GRU's n rows multiply q = r ⊙ h_{s-1} (its cache block) instead: two products over column blocks of
   * dhg (rows GH apart), the second with q (rows a cache row apart).
   */
  private recurrentWeightGrad(rows: number, dhg: Arr): void {
    const H = this.hiddenSize;
    const GH = this.cell.gates * H;
    const kernels = kernelsFor(this.dtype);
    if (!this.cell.resetBefore) {
      kernels.gemmTN(GH, H, rows, dhg, 0, this.hs, 0, this.wHh.grad, 0);
      return;
    }
    kernels.gemmTN(2 * H, H, rows, dhg, 0, this.hs, 0, this.wHh.grad, 0, GH, H);
    kernels.gemmTN(H, H, rows, dhg, 2 * H, this.cache, RESET_STATE_BLOCK * H, this.wHh.grad, 2 * H * H, GH, this.cell.cacheBlocks * H);
  }
}
