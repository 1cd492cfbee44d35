import { alloc, type DType } from '../core/dtype';
import type { Param } from '../core/param';
import type { Rng } from '../core/rng';
import { concatFeatures, splitFeatures } from '../core/features';
import { expectFeatures, ShapeError, type Seq } from '../core/seq';
import { makeCell, type CellType, type RnnActivation } from './cells';
import type { ForwardOptions, Layer } from './layer';
import { RecurrentDirection, type DirectionState } from './recurrent-direction';

export interface RecurrentSpec {
  type: CellType;
  hiddenSize: number;
  /** Run a second, time-reversed copy and concatenate its outputs (forward first). */
  bidirectional?: boolean;
  /** true (default): output every step [B,T,D*H]; false: only the final state [B,1,D*H]. */
  returnSequences?: boolean;
  /** Vanilla RNN nonlinearity. */
  activation?: RnnActivation;
  /** LSTM only: initialise the forget-gate bias to 1. */
  unitForgetBias?: boolean;
  /**
   * GRU only. true (default): the reset gate multiplies W_hn·h + b_hn (PyTorch, ONNX linear_before_reset=1).
   * false: it multiplies h before W_hn (Keras/TensorFlow.js reset_after=False, ONNX linear_before_reset=0).
   */
  resetAfter?: boolean;
}

/**
 * The spec with the defaults of its cell type filled in (the one place that decides them): one direction, every
 * step returned, no forget-gate bias; an RNN's tanh, a GRU's reset after the product. Keys another cell type
 * ignores are left as given.
 */
export function recurrentWithDefaults(spec: RecurrentSpec): RecurrentSpec & Required<Pick<RecurrentSpec, 'bidirectional' | 'returnSequences' | 'unitForgetBias'>> {
  return {
    ...spec, bidirectional: spec.bidirectional ?? false, returnSequences: spec.returnSequences ?? true, unitForgetBias: spec.unitForgetBias ?? false,
    ...(spec.type === 'rnn' ? { activation: spec.activation ?? 'tanh' } : {}), ...(spec.type === 'gru' ? { resetAfter: spec.resetAfter ?? true } : {}),
  };
}

/**
 * A recurrent layer (RNN, LSTM or GRU), optionally bidirectional. With
 * returnSequences=false the output is the final state, taken at each sequence's own
 * length for the forward direction and at t=0 for the backward one (like PyTorch's h_n).
 */
export class Recurrent implements Layer {
  readonly type: CellType;
  readonly outputFeatures: number;
  readonly directions: RecurrentDirection[];
  readonly returnSequences: boolean;
  /** Initial states used by the next forward (one per direction); null means zeros. */
  initialState: DirectionState[] | null = null;
  /** Final states of the last forward, one per direction. */
  finalState: DirectionState[] = [];
  /** Gradient w.r.t. the initial states, from the last backward. */
  initialStateGrad: DirectionState[] = [];


  constructor(
    readonly spec: RecurrentSpec,
    readonly inputFeatures: number,
    readonly dtype: DType,
    rng: Rng,
  ) {
    if (!Number.isInteger(spec.hiddenSize) || spec.hiddenSize <= 0) {
      throw new ShapeError(`${spec.type}: hiddenSize must be a positive integer, got ${spec.hiddenSize}`);
    }
    const settings = recurrentWithDefaults(spec);
    this.type = spec.type;
    this.returnSequences = settings.returnSequences;
    const cell = makeCell(spec.type, settings);
    const dirs = settings.bidirectional ? [false, true] : [false];
    this.directions = dirs.map(
      (rev) => new RecurrentDirection(cell, inputFeatures, spec.hiddenSize, rev, dtype, rev ? '_reverse' : ''),
    );
    for (const d of this.directions) d.init(rng, settings.unitForgetBias);
    this.outputFeatures = this.directions.length * spec.hiddenSize;
  }

  params(): Param[] {
    return this.directions.flatMap((d) => d.params());
  }

  forward(x: Seq, opts: ForwardOptions): Seq {
    expectFeatures(this.type.toUpperCase(), x, this.inputFeatures);
    const H = this.spec.hiddenSize;
    const D = this.directions.length;
    const { batch: B, time: T } = x;
    if (this.initialState) this.checkState(this.initialState, B);
    const runs = this.directions.map((d, i) => d.forward(x, opts.lengths, this.initialState?.[i], opts.inference ?? false));
    this.finalState = runs.map((r) => r.final);
    if (!this.returnSequences) {
      const out = alloc(this.dtype, B * D * H);
      runs.forEach((r, i) => {
        for (let b = 0; b < B; b++) out.set(r.final.h.subarray(b * H, (b + 1) * H), b * D * H + i * H);
      });
      return { data: out, batch: B, time: 1, features: D * H };
    }
    if (D === 1) return runs[0].y;
    const data = concatFeatures(runs.map((r) => r.y.data), B * T, H, this.dtype);
    return { data, batch: B, time: T, features: D * H };
  }

  backward(dy: Seq): Seq {
    if (this.returnSequences) return this.backwardWithState(dy, []);
    // dy is [B,1,D*H]: the gradient of each direction's final h.
    const H = this.spec.hiddenSize;
    const D = this.directions.length;
    const rows = dy.batch;
    const dFinal = this.directions.map((_, i) => ({ h: splitFeatures(dy.data, rows, H, D, i, this.dtype) }));
    return this.backwardWithState(null, dFinal);
  }

  /**
   * Backward that also takes gradients arriving at the final states (e.g. from a
   * decoder started from this encoder's state). dy is null when only the state is used.
   */
  backwardWithState(dy: Seq | null, dFinal: Partial<DirectionState>[]): Seq {
    if (dy && !this.returnSequences) throw new Error('backwardWithState takes per-step gradients only for returnSequences layers');
    const H = this.spec.hiddenSize;
    const D = this.directions.length;
    const results = this.directions.map((d, i) => {
      const part = !dy ? null : D === 1 ? dy.data : splitFeatures(dy.data, dy.batch * dy.time, H, D, i, this.dtype);
      return d.backward(part, dFinal[i]);
    });
    this.initialStateGrad = results.map((r) => r.dInitial);
    const dx = results[0].dx;
    for (let i = 1; i < results.length; i++) {
      const other = results[i].dx.data;
      for (let k = 0; k < dx.data.length; k++) dx.data[k] += other[k];
    }
    return dx;
  }

  /** Per-timestep ||dL/dh_t|| from the last backward, one array per direction. */
  gradNorms(): Float64Array[] {
    return this.directions.map((d) => d.gradNorms);
  }

  private checkState(state: DirectionState[], B: number): void {
    const n = B * this.spec.hiddenSize;
    if (state.length !== this.directions.length) {
      throw new ShapeError(`initial state has ${state.length} directions, the layer has ${this.directions.length}`);
    }
    for (const s of state) {
      if (s.h.length !== n) throw new ShapeError(`initial h has ${s.h.length} values, expected batch x hidden = ${n}`);
      if (this.type === 'lstm' && s.c && s.c.length !== n) {
        throw new ShapeError(`initial c has ${s.c.length} values, expected batch x hidden = ${n}`);
      }
    }
  }
}
