import { alloc, type Arr, type DType } from '../core/dtype';
import { addRowSums, gemmNN, gemmNT, gemmTN, getBackend, rightOperand } from '../core/gemm';
import { wasmBackwardSequence, wasmForwardSequence, WASM_CELL } from '../core/wasm-simd';
import { nativeKernel } from '../core/native';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import type { Seq } from '../core/seq';
import type { Cell, GradRefs, RnnCell, StepRefs } from './cells';
import type { RightOperand } from '../core/gemm';

/** Final (or initial) state of one direction: h and, for LSTM, c; each [batch, hidden]. */
export interface DirectionState {
  h: Arr;
  c?: Arr;
}

/**
 * Runs one cell over a batch of sequences in one direction, with masking:
 * a sequence whose step t is at or past its length keeps its state unchanged and
 * outputs zeros there. The input projection for every step is one GEMM; the time
 * loop does one GEMM with W_hh per step, and buffers are reused across calls.
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
  private xg: Arr;
  private hs: Arr;
  private cs: Arr;
  private cache: Arr;
  private hg: Arr;

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
    this.xg = alloc(dtype, 0);
    this.hs = alloc(dtype, 0);
    this.cs = alloc(dtype, 0);
    this.cache = alloc(dtype, 0);
    this.hg = alloc(dtype, 0);
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

  private ensure(name: 'xg' | 'hs' | 'cs' | 'cache' | 'hg', n: number): Arr {
    if (this[name].length < n) this[name] = alloc(this.dtype, n);
    return this[name];
  }

  /**
   * Output is [batch, time, hidden]; returns the final state too. With `inference`, no
   * backward caches are kept and the native kernel is used when available.
   */
  forward(x: Seq, lengths: Int32Array, initial?: DirectionState, inference = false): { y: Seq; final: DirectionState } {
    const { batch: B, time: T } = x;
    const H = this.hiddenSize;
    const I = this.inputSize;
    const cell = this.cell;
    const native = inference ? this.nativeForward(x, lengths, initial) : null;
    if (native) return native;
    this.inferenceOnly = false;
    const GH = cell.gates * H;
    const BH = B * H;
    const CW = cell.cacheBlocks * H;
    this.x = x;
    this.lengths = lengths;

    const hs = this.ensure('hs', (T + 1) * BH);
    const cs = cell.hasCellState ? this.ensure('cs', (T + 1) * BH) : this.cs;
    const cache = this.ensure('cache', T * B * CW);
    hs.fill(0, 0, BH);
    if (initial) hs.set(initial.h.subarray(0, BH), 0);
    if (cell.hasCellState) {
      cs.fill(0, 0, BH);
      if (initial?.c) cs.set(initial.c.subarray(0, BH), 0);
    }

    const y = alloc(this.dtype, B * T * H);
    if (this.fusedKernelApplies(x)) {
      wasmForwardSequence(this.cellCode(), cell.gates, cell.cacheBlocks, B, T, I, H, this.reverse, {
        x: x.data as Float32Array, wIh: this.wIh.value as Float32Array, bIh: this.bIh.value as Float32Array,
        wHh: this.wHh.value as Float32Array, bHh: this.bHh.value as Float32Array, lengths,
        hs: hs as Float32Array, cs: cell.hasCellState ? (cs as Float32Array) : null, cache: cache as Float32Array, y: y as Float32Array,
      });
    } else {
      // xg[b,t,:] = W_ih x[b,t] + b_ih, for all steps in one product.
      const xg = this.ensure('xg', B * T * GH);
      this.ensure('hg', B * GH);
      for (let r = 0; r < B * T; r++) xg.set(this.bIh.value, r * GH);
      gemmNT(B * T, GH, I, x.data, 0, this.wIh.value, 0, xg, 0);
      // W_hh is used at every step: prepared once (copied into wasm memory on that backend).
      const recurrent = rightOperand(this.wHh.value, 0, H, GH, true);
      try {
        this.runSteps(B, T, lengths, recurrent, y);
      } finally {
        recurrent.release();
      }
    }
    const final: DirectionState = { h: hs.slice(T * BH, (T + 1) * BH) };
    if (cell.hasCellState) final.c = cs.slice(T * BH, (T + 1) * BH);
    return { y: { data: y, batch: B, time: T, features: H }, final };
  }

  /** Forward through the native kernel (float32 only); null when it does not apply. */
  private nativeForward(x: Seq, lengths: Int32Array, initial?: DirectionState): { y: Seq; final: DirectionState } | null {
    const k = nativeKernel();
    if (!k || this.dtype !== 'float32' || !(x.data instanceof Float32Array)) return null;
    const { batch: B, time: T } = x;
    const H = this.hiddenSize;
    const cell = this.cell;
    const h = new Float32Array(B * H);
    if (initial) h.set(initial.h.subarray(0, B * H));
    const c = cell.hasCellState ? new Float32Array(B * H) : null;
    if (c && initial?.c) c.set(initial.c.subarray(0, B * H));
    const y = new Float32Array(B * T * H);
    k.forward(this.cellCode(), B, T, this.inputSize, H, this.reverse ? 1 : 0, 2, x.data, this.wIh.value as Float32Array, this.wHh.value as Float32Array,
      this.bIh.value as Float32Array, this.bHh.value as Float32Array, lengths, h, c, y);
    this.x = null;
    this.inferenceOnly = true;
    const final: DirectionState = { h };
    if (c) final.c = c;
    return { y: { data: y, batch: B, time: T, features: H }, final };
  }

  /** The fused wasm forward needs float32 data and a hidden size the 4-lane loops cover. */
  private fusedKernelApplies(x: Seq): boolean {
    return getBackend() === 'wasm' && this.dtype === 'float32' && this.hiddenSize % 4 === 0 && x.data instanceof Float32Array;
  }

  /** The cell's code in both the WASM and the native kernels. */
  private cellCode(): number {
    if (this.cell.type === 'lstm') return WASM_CELL.lstm;
    if (this.cell.type === 'gru') return WASM_CELL.gru;
    return (this.cell as RnnCell).activation === 'relu' ? WASM_CELL.rnnRelu : WASM_CELL.rnnTanh;
  }

  private runSteps(B: number, T: number, lengths: Int32Array, recurrent: RightOperand, y: Arr): void {
    const H = this.hiddenSize;
    const cell = this.cell;
    const GH = cell.gates * H;
    const BH = B * H;
    const CW = cell.cacheBlocks * H;
    const { xg, hs, cs, cache, hg } = this;
    const refs: StepRefs = {
      xg, xgOff: 0, hg, hgOff: 0, hPrev: hs, hPrevOff: 0, cPrev: cs, cPrevOff: 0,
      h: hs, hOff: 0, c: cs, cOff: 0, cache, cacheOff: 0,
    };
    for (let s = 0; s < T; s++) {
      const t = this.reverse ? T - 1 - s : s;
      const prev = s * BH;
      const next = (s + 1) * BH;
      for (let b = 0; b < B; b++) hg.set(this.bHh.value, b * GH);
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
        cell.forward(H, refs);
        y.set(hs.subarray(next + b * H, next + (b + 1) * H), (b * T + t) * H);
      }
    }
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

    const dh = alloc(this.dtype, BH);
    const dc = alloc(this.dtype, BH);
    if (dFinal?.h) dh.set(dFinal.h.subarray(0, BH));
    if (dFinal?.c) dc.set(dFinal.c.subarray(0, BH));
    const dxg = alloc(this.dtype, B * T * GH);
    // Gradients of the recurrent pre-activations for every step, [T, B, GH] in processing
    // order, so that dW_hh is one product after the loop instead of one per step.
    const dhg = alloc(this.dtype, T * B * GH);
    let dh0: Arr = dh;
    if (this.fusedKernelApplies(x)) {
      const norms = new Float32Array(T);
      wasmBackwardSequence(this.cellCode(), this.cell.gates, this.cell.cacheBlocks, B, T, H, this.reverse, {
        hs: this.hs as Float32Array, cs: this.cell.hasCellState ? (this.cs as Float32Array) : null, cache: this.cache as Float32Array,
        dy: dy as Float32Array | null, lengths: this.lengths, wHh: this.wHh.value as Float32Array,
        dh: dh as Float32Array, dc: dc as Float32Array, dxg: dxg as Float32Array, dhg: dhg as Float32Array, norms,
        dbIh: this.bIh.grad as Float32Array, dbHh: this.bHh.grad as Float32Array,
      });
      this.gradNorms = Float64Array.from(norms);
    } else {
      const recurrent = rightOperand(this.wHh.value, 0, GH, H, false);
      try {
        dh0 = this.backSteps(B, T, dy, dh, dc, dxg, dhg, recurrent);
      } finally {
        recurrent.release();
      }
      addRowSums(T * B, GH, dhg, 0, this.bHh.grad);
      addRowSums(B * T, GH, dxg, 0, this.bIh.grad);
    }
    // dW_hh += Σ_s dhg_sᵀ · h_{s-1}: the states before each step are hs rows 0 .. T*B-1.
    gemmTN(GH, H, T * B, dhg, 0, this.hs, 0, this.wHh.grad, 0);
    gemmTN(GH, I, B * T, dxg, 0, x.data, 0, this.wIh.grad, 0);
    const dx = alloc(this.dtype, B * T * I);
    gemmNN(B * T, I, GH, dxg, 0, this.wIh.value, 0, dx, 0);

    const dInitial: DirectionState = { h: dh0 };
    if (this.cell.hasCellState) dInitial.c = dc;
    return { dx: { data: dx, batch: B, time: T, features: I }, dInitial };
  }

  /** The backward time loop; returns dL/dh_0 (dc is updated in place to dL/dc_0). */
  private backSteps(B: number, T: number, dy: Arr | null, dhIn: Arr, dc: Arr, dxg: Arr, dhg: Arr, recurrent: RightOperand): Arr {
    const H = this.hiddenSize;
    const cell = this.cell;
    const GH = cell.gates * H;
    const BH = B * H;
    const CW = cell.cacheBlocks * H;
    const { hs, cs, cache, lengths } = this;
    let dh = dhIn;
    let dhPrev = alloc(this.dtype, BH);
    const norms = new Float64Array(T);
    const refs: StepRefs = {
      xg: this.xg, xgOff: 0, hg: this.hg, hgOff: 0, hPrev: hs, hPrevOff: 0, cPrev: cs, cPrevOff: 0,
      h: hs, hOff: 0, c: cs, cOff: 0, cache, cacheOff: 0,
    };
    const g: GradRefs = { dh, dhOff: 0, dc, dcOff: 0, dxg, dxgOff: 0, dhg, dhgOff: 0, dhPrev, dhPrevOff: 0 };
    for (let s = T - 1; s >= 0; s--) {
      const t = this.reverse ? T - 1 - s : s;
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
      }
      norms[t] = Math.sqrt(sq);
      recurrent.mulAdd(B, dhg, s * B * GH, dhPrev, 0);
      const swap = dh;
      dh = dhPrev;
      dhPrev = swap;
    }
    this.gradNorms = norms;
    return dh;
  }
}
