import type { Arr } from '../core/dtype';

/**
 * Pointwise parts of the recurrent cells, in PyTorch's parameterisation.
 * The recurrence drivers (src/kernels) do the matrix products:
 * xg = W_ih·x + b_ih for all steps at once, hg = W_hh·h_{t-1} + b_hh per step.
 * A cell turns (xg, hg, previous state) into the new state for one sequence,
 * and in backward turns dL/dh_t (and dL/dc_t) into dL/dxg, dL/dhg and the
 * direct parts of dL/dh_{t-1}, dL/dc_{t-1}.
 */
export type CellType = 'rnn' | 'lstm' | 'gru';
export type RnnActivation = 'tanh' | 'relu';

/** Views of one sequence at one step: array + offset of its H-sized (or G*H-sized) row. */
export interface StepRefs {
  xg: Arr; xgOff: number;
  hg: Arr; hgOff: number;
  hPrev: Arr; hPrevOff: number;
  cPrev: Arr; cPrevOff: number;
  h: Arr; hOff: number;
  c: Arr; cOff: number;
  cache: Arr; cacheOff: number;
}

export interface GradRefs {
  dh: Arr; dhOff: number;            // dL/dh_t (in)
  dc: Arr; dcOff: number;            // dL/dc_t (in), overwritten with dL/dc_{t-1}
  dxg: Arr; dxgOff: number;          // dL/d(input pre-activations) (out)
  dhg: Arr; dhgOff: number;          // dL/d(recurrent pre-activations) (out)
  dhPrev: Arr; dhPrevOff: number;    // direct (non-matrix) part of dL/dh_{t-1} (out, overwritten)
}

/**
 * The cells' codes in the WASM (assembly/recurrent.ts) and native (native/src/cells.h) kernels, which
 * switch on them for the pointwise math; gate counts and cache widths are handed to those kernels
 * from the Cell objects below.
 */
export const CELL_CODE = { rnnTanh: 0, rnnRelu: 1, lstm: 2, gru: 3, gruResetBefore: 4 } as const;

export interface Cell {
  readonly type: CellType;
  /** The cell's code in the WASM and native kernels (CELL_CODE). */
  readonly code: number;
  /** Number of gate blocks G; weights have G*H rows. */
  readonly gates: number;
  /** Whether the cell carries a second state (the LSTM memory cell). */
  readonly hasCellState: boolean;
  /** Floats cached per sequence per step for backward, in units of H. */
  readonly cacheBlocks: number;
  /**
   * The GRU with the reset gate before the product (Keras reset_after=False): the n gate's recurrent
   * product takes r ⊙ h_{t-1} instead of h_{t-1}, so kernels run it as a second product per step.
   * Forward: the first product fills hg's r, z rows; resetState gives q = r ⊙ h_{t-1}; the kernel puts
   * W_hn·q + b_hn in hg's n rows before forward. Backward: backward leaves dxg's and dhg's r rows to
   * resetBackward, which gets dq = dhg_n·W_hn; dL/dh_{t-1} then adds only the r, z rows' dhg·W_hh, and
   * dW_hn takes q (cache block RESET_STATE_BLOCK) where the other rows take h_{t-1}.
   */
  readonly resetBefore: boolean;
  forward(H: number, r: StepRefs): void;
  backward(H: number, r: StepRefs, g: GradRefs): void;
  resetState?(H: number, r: StepRefs, q: Arr, qOff: number): void;
  resetBackward?(H: number, r: StepRefs, g: GradRefs, dq: Arr, dqOff: number): void;
}

/** The cache block holding q = r ⊙ h_{t-1} in the reset-before GRU. */
export const RESET_STATE_BLOCK = 3;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class RnnCell implements Cell {
  readonly type = 'rnn' as const;
  readonly gates = 1;
  readonly hasCellState = false;
  readonly cacheBlocks = 0;
  readonly resetBefore = false;
  readonly code: number;
  constructor(readonly activation: RnnActivation) {
    this.code = activation === 'relu' ? CELL_CODE.rnnRelu : CELL_CODE.rnnTanh;
  }

  forward(H: number, r: StepRefs): void {
    const relu = this.activation === 'relu';
    for (let j = 0; j < H; j++) {
      const a = r.xg[r.xgOff + j] + r.hg[r.hgOff + j];
      r.h[r.hOff + j] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
    }
  }

  backward(H: number, r: StepRefs, g: GradRefs): void {
    const relu = this.activation === 'relu';
    for (let j = 0; j < H; j++) {
      const h = r.h[r.hOff + j];
      const d = g.dh[g.dhOff + j] * (relu ? (h > 0 ? 1 : 0) : 1 - h * h);
      g.dxg[g.dxgOff + j] = d;
      g.dhg[g.dhgOff + j] = d;
      g.dhPrev[g.dhPrevOff + j] = 0;
    }
  }
}

/** LSTM, gate order i, f, g, o as in PyTorch. Cache: i, f, g, o, tanh(c). */
export class LstmCell implements Cell {
  readonly type = 'lstm' as const;
  readonly code = CELL_CODE.lstm;
  readonly gates = 4;
  readonly hasCellState = true;
  readonly cacheBlocks = 5;
  readonly resetBefore = false;

  forward(H: number, r: StepRefs): void {
    const { xg, hg, cache } = r;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xg[r.xgOff + j] + hg[r.hgOff + j]);
      const f = sigmoid(xg[r.xgOff + H + j] + hg[r.hgOff + H + j]);
      const gg = Math.tanh(xg[r.xgOff + 2 * H + j] + hg[r.hgOff + 2 * H + j]);
      const o = sigmoid(xg[r.xgOff + 3 * H + j] + hg[r.hgOff + 3 * H + j]);
      const c = f * r.cPrev[r.cPrevOff + j] + i * gg;
      const tc = Math.tanh(c);
      r.c[r.cOff + j] = c;
      r.h[r.hOff + j] = o * tc;
      const k = r.cacheOff + j;
      cache[k] = i;
      cache[k + H] = f;
      cache[k + 2 * H] = gg;
      cache[k + 3 * H] = o;
      cache[k + 4 * H] = tc;
    }
  }

  backward(H: number, r: StepRefs, g: GradRefs): void {
    const { cache } = r;
    for (let j = 0; j < H; j++) {
      const k = r.cacheOff + j;
      const i = cache[k], f = cache[k + H], gg = cache[k + 2 * H], o = cache[k + 3 * H], tc = cache[k + 4 * H];
      const dh = g.dh[g.dhOff + j];
      const dc = g.dc[g.dcOff + j] + dh * o * (1 - tc * tc);
      const di = dc * gg * i * (1 - i);
      const df = dc * r.cPrev[r.cPrevOff + j] * f * (1 - f);
      const dg = dc * i * (1 - gg * gg);
      const dO = dh * tc * o * (1 - o);
      g.dc[g.dcOff + j] = dc * f;
      const x = g.dxgOff + j;
      g.dxg[x] = di;
      g.dxg[x + H] = df;
      g.dxg[x + 2 * H] = dg;
      g.dxg[x + 3 * H] = dO;
      const y = g.dhgOff + j;
      g.dhg[y] = di;
      g.dhg[y + H] = df;
      g.dhg[y + 2 * H] = dg;
      g.dhg[y + 3 * H] = dO;
      g.dhPrev[g.dhPrevOff + j] = 0;
    }
  }
}

/**
 * GRU, gate order r, z, n as in PyTorch. Default (resetAfter): the reset gate multiplies
 * W_hn·h + b_hn (PyTorch, ONNX linear_before_reset=1); cache r, z, n, (W_hn·h + b_hn).
 * resetAfter=false (Keras reset_after=False, ONNX linear_before_reset=0): n = tanh(xn + W_hn·(r ⊙ h) + b_hn),
 * hg's n rows arrive holding W_hn·(r ⊙ h) + b_hn (see Cell.resetBefore); cache r, z, n, r ⊙ h.
 */
export class GruCell implements Cell {
  readonly type = 'gru' as const;
  readonly code: number;
  readonly gates = 3;
  readonly hasCellState = false;
  readonly cacheBlocks = 4;
  readonly resetBefore: boolean;
  constructor(readonly resetAfter: boolean) {
    this.resetBefore = !resetAfter;
    this.code = resetAfter ? CELL_CODE.gru : CELL_CODE.gruResetBefore;
  }

  private resetGate(r: StepRefs, j: number): number {
    return sigmoid(r.xg[r.xgOff + j] + r.hg[r.hgOff + j]);
  }

  forward(H: number, r: StepRefs): void {
    const { xg, hg, cache } = r;
    for (let j = 0; j < H; j++) {
      const rg = this.resetGate(r, j);
      const z = sigmoid(xg[r.xgOff + H + j] + hg[r.hgOff + H + j]);
      const hn = hg[r.hgOff + 2 * H + j];
      const hp = r.hPrev[r.hPrevOff + j];
      const n = Math.tanh(xg[r.xgOff + 2 * H + j] + (this.resetAfter ? rg * hn : hn));
      r.h[r.hOff + j] = (1 - z) * n + z * hp;
      const k = r.cacheOff + j;
      cache[k] = rg;
      cache[k + H] = z;
      cache[k + 2 * H] = n;
      cache[k + 3 * H] = this.resetAfter ? hn : rg * hp;
    }
  }

  resetState(H: number, r: StepRefs, q: Arr, qOff: number): void {
    for (let j = 0; j < H; j++) q[qOff + j] = this.resetGate(r, j) * r.hPrev[r.hPrevOff + j];
  }

  backward(H: number, r: StepRefs, g: GradRefs): void {
    const { cache } = r;
    for (let j = 0; j < H; j++) {
      const k = r.cacheOff + j;
      const rg = cache[k], z = cache[k + H], n = cache[k + 2 * H], hn = cache[k + 3 * H];
      const dh = g.dh[g.dhOff + j];
      const dnPre = dh * (1 - z) * (1 - n * n);
      const dzPre = dh * (r.hPrev[r.hPrevOff + j] - n) * z * (1 - z);
      const x = g.dxgOff + j;
      const y = g.dhgOff + j;
      g.dxg[x + H] = dzPre;
      g.dxg[x + 2 * H] = dnPre;
      g.dhg[y + H] = dzPre;
      g.dhPrev[g.dhPrevOff + j] = dh * z;
      if (!this.resetAfter) {
        g.dhg[y + 2 * H] = dnPre; // the r rows follow in resetBackward
        continue;
      }
      const drPre = dnPre * hn * rg * (1 - rg);
      g.dxg[x] = drPre;
      g.dhg[y] = drPre;
      g.dhg[y + 2 * H] = dnPre * rg;
    }
  }

  /** dq = dL/d(r ⊙ h_{t-1}) = dhg_n·W_hn: the reset gate's gradient and its direct part of dL/dh_{t-1}. */
  resetBackward(H: number, r: StepRefs, g: GradRefs, dq: Arr, dqOff: number): void {
    for (let j = 0; j < H; j++) {
      const rg = r.cache[r.cacheOff + j];
      const d = dq[dqOff + j];
      const drPre = d * r.hPrev[r.hPrevOff + j] * rg * (1 - rg);
      g.dxg[g.dxgOff + j] = drPre;
      g.dhg[g.dhgOff + j] = drPre;
      g.dhPrev[g.dhPrevOff + j] += d * rg;
    }
  }
}

/** The cell of a layer whose settings recurrentWithDefaults (recurrent.ts) filled in: it decides the defaults, not this. */
export function makeCell(type: CellType, { activation, resetAfter }: { activation?: RnnActivation; resetAfter?: boolean }): Cell {
  switch (type) {
    case 'rnn':
      if (activation === undefined) throw new Error('an RNN cell needs its activation (recurrentWithDefaults fills it in)');
      return new RnnCell(activation);
    case 'lstm':
      return new LstmCell();
    case 'gru':
      if (resetAfter === undefined) throw new Error('a GRU cell needs resetAfter (recurrentWithDefaults fills it in)');
      return new GruCell(resetAfter);
    default:
      throw new Error(`unknown recurrent cell type '${String(type)}' (expected rnn, lstm or gru)`);
  }
}
