import { alloc, type Arr, type DType } from '../core/dtype';
import { kernelsFor } from '../kernels';
import { addRowSums } from '../kernels/stepped';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { expectFeatures, ShapeError, type Seq } from '../core/seq';
import type { ForwardOptions, Layer } from './layer';

export type Conv1DPadding = 'same' | 'causal';
export type Conv1DActivation = 'linear' | 'relu' | 'tanh';
export const CONV1D_PADDINGS: readonly Conv1DPadding[] = ['same', 'causal'];
export const CONV1D_ACTIVATIONS: readonly Conv1DActivation[] = ['linear', 'relu', 'tanh'];

export interface Conv1DSpec {
  type: 'conv1d';
  /** Output channels (features per step). */
  filters: number;
  kernelSize: number;
  /** Spacing of the kernel's taps in steps (default 1). */
  dilation?: number;
  /**
   * 'same' (default): the output at t sees steps around t, padded as PyTorch's padding='same'
   * (dilation·(kernelSize-1) zeros split evenly, the odd one on the right). 'causal': only t and earlier.
   */
  padding?: Conv1DPadding;
  activation?: Conv1DActivation;
}

/**
 * Why truncated BPTT (fit and the training-spec check) refuses conv1d: only recurrent state crosses a
 * window edge, so a convolution there would read zeros instead of its neighbours.
 */
export const CONV1D_TBPTT_REFUSAL = 'truncated BPTT cannot split a model with conv1d layers into windows (they carry no state across)';

/** The spec with every default filled in (the one place that decides them): dilation 1, 'same' padding, linear. */
export function conv1dWithDefaults(spec: Conv1DSpec): Required<Conv1DSpec> {
  return { ...spec, dilation: spec.dilation ?? 1, padding: spec.padding ?? 'same', activation: spec.activation ?? 'linear' };
}

/** Zero steps before the first one a 'same' or 'causal' convolution reads (the rest of the span goes on the right). */
export function conv1dLeftPad(spec: Conv1DSpec): number {
  const { dilation, padding, kernelSize } = conv1dWithDefaults(spec);
  const span = dilation * (kernelSize - 1);
  return padding === 'causal' ? span : Math.floor(span / 2);
}

/** What a model summary says about the layer beyond its type, e.g. "kernel 3, dilation 2, causal, relu". */
export function conv1dNotes(spec: Conv1DSpec): string {
  const { dilation, padding, activation } = conv1dWithDefaults(spec);
  return [`kernel ${spec.kernelSize}`, dilation !== 1 && `dilation ${dilation}`, padding, activation !== 'linear' && activation].filter(Boolean).join(', ');
}

/**
 * Most values an unrolled (im2col) block may hold: the rows of a batch are unrolled and multiplied
 * this many values at a time, so a model file with a wide input and a long kernel cannot make one
 * forward allocate batch·time·in·kernelSize values at once. 4M values (16 MB in float32) hold a whole
 * batch of the speech model (32 × ~100 steps × 78 inputs × 5 taps = 1.25M), which therefore runs as one
 * product, as fast as without blocks; wider inputs or longer batches take several products of at least
 * ~4M multiply-adds per filter each, still large enough for the GEMM kernels to run at full speed.
 */
export const CONV1D_MAX_BLOCK_VALUES = 4 * 1024 * 1024;

/**
 * 1-D convolution over time with stride 1 (so the time length and the sequence lengths stay as
 * they are), as torch.nn.Conv1d: y[t, f] = act(b[f] + Σ_i Σ_j W[f, i, j] · x[t + j·dilation - leftPad, i]).
 * Steps at or beyond a sequence's length count as zeros in the input and are zero in the output,
 * so a padded batch gives on its valid steps what each sequence gives alone.
 * Computed as im2col (one row of in·kernelSize taps per step) and one product with the weight per
 * block of rows (CONV1D_MAX_BLOCK_VALUES), on whichever kernel backend is selected.
 */
export class Conv1D implements Layer {
  readonly type = 'conv1d';
  readonly outputFeatures: number;
  /** [filters, in, kernelSize], as torch.nn.Conv1d. */
  readonly weight: Param;
  readonly bias: Param;
  /** Copied from the spec at construction: the caller's spec object may change later, the weight's shape does not. */
  private readonly kernelSize: number;
  private readonly dilation: number;
  private readonly leftPad: number;
  private readonly activation: Conv1DActivation;
  /**
   * What backward needs: the input (unrolled again block by block, so the cache stays the size of
   * the activations), the activated output and the valid lengths.
   */
  private cache: { x: Seq; y: Seq; lengths: Int32Array } | null = null;

  /**
   * `blockValues`: the most values an unrolled block holds (tests make it small to run many blocks);
   * at least one row is unrolled at a time, and a row is in·kernelSize values, no more than the weight.
   */
  constructor(readonly spec: Conv1DSpec, readonly inputFeatures: number, readonly dtype: DType, rng: Rng, private readonly blockValues = CONV1D_MAX_BLOCK_VALUES) {
    const { dilation, padding, activation } = conv1dWithDefaults(spec);
    // filters and kernelSize are required; only dilation has a default.
    for (const [field, v] of [['filters', spec.filters], ['kernelSize', spec.kernelSize], ['dilation', dilation]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new ShapeError(`conv1d: ${field} must be a positive integer, got ${v}`);
    }
    if (!CONV1D_PADDINGS.includes(padding)) throw new ShapeError(`conv1d: padding must be one of ${CONV1D_PADDINGS.join(', ')}, got ${String(padding)}`);
    this.activation = activation;
    if (!CONV1D_ACTIVATIONS.includes(this.activation)) {
      throw new ShapeError(`conv1d: activation must be one of ${CONV1D_ACTIVATIONS.join(', ')}, got ${String(this.activation)}`);
    }
    this.kernelSize = spec.kernelSize;
    this.dilation = dilation;
    this.leftPad = conv1dLeftPad(spec);
    this.outputFeatures = spec.filters;
    this.weight = makeParam('weight', [spec.filters, inputFeatures, this.kernelSize], dtype);
    this.bias = makeParam('bias', [spec.filters], dtype);
    // torch.nn.Conv1d's default (kaiming-uniform with a=√5): U(±1/sqrt(in·kernelSize)) for weight and bias.
    const k = 1 / Math.sqrt(inputFeatures * this.kernelSize);
    for (const p of [this.weight, this.bias]) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Seq, opts: ForwardOptions): Seq {
    expectFeatures('conv1d', x, this.inputFeatures);
    const rows = x.batch * x.time;
    const F = this.outputFeatures;
    const K = this.taps();
    // A last-step layer before this one leaves one step while lengths still count the original ones.
    const lengths = opts.lengths.map((L) => Math.min(L, x.time));
    const z = alloc(this.dtype, rows * F);
    const kernels = kernelsFor(this.dtype);
    this.eachBlock(x, lengths, (r0, n, cols) => {
      // One block (the usual case): the dense product as Dense runs it; else bias, then a product into the block's rows.
      if (n === rows) return kernels.linear(rows, F, K, cols, this.weight.value, this.bias.value, z);
      for (let r = r0; r < r0 + n; r++) z.set(this.bias.value, r * F);
      kernels.gemmNT(n, F, K, cols, 0, this.weight.value, 0, z, r0 * F);
    });
    this.activate(z);
    const y: Seq = { data: z, batch: x.batch, time: x.time, features: F };
    zeroPaddedSteps(y, lengths);
    this.cache = opts.inference ? null : { x, y, lengths };
    return y;
  }

  backward(dy: Seq): Seq {
    if (!this.cache) throw new Error('conv1d: backward needs a forward that kept its caches (not predict or inference)');
    const { x, y, lengths } = this.cache;
    const rows = y.batch * y.time;
    const F = this.outputFeatures;
    const K = this.taps();
    // dz: the gradient at the pre-activation, zero on padded steps (their output is a constant zero).
    const dz: Seq = { ...y, data: alloc(this.dtype, rows * F) };
    for (let i = 0; i < dz.data.length; i++) dz.data[i] = dy.data[i] * this.activationSlope(y.data[i]);
    zeroPaddedSteps(dz, lengths);
    const kernels = kernelsFor(this.dtype);
    addRowSums(rows, F, dz.data, 0, this.bias.grad);
    const dx: Seq = { data: alloc(this.dtype, rows * this.inputFeatures), batch: y.batch, time: y.time, features: this.inputFeatures };
    let dcols: Arr | null = null;
    this.eachBlock(x, lengths, (r0, n, cols) => {
      kernels.gemmTN(F, K, n, dz.data, r0 * F, cols, 0, this.weight.grad, 0);
      dcols ??= alloc(this.dtype, cols.length);
      dcols.fill(0, 0, n * K);
      kernels.gemmNN(n, K, F, dz.data, r0 * F, this.weight.value, 0, dcols, 0);
      this.eachTap(dx, lengths, r0, n, (xOff, colOff) => {
        for (let i = 0, c = colOff; i < this.inputFeatures; i++, c += this.kernelSize) dx.data[xOff + i] += dcols![c];
      });
    });
    return dx;
  }

  /** Columns of the unrolled input: in·kernelSize, ordered (channel, tap) like the flattened weight. */
  private taps(): number {
    return this.inputFeatures * this.kernelSize;
  }

  /**
   * Unrolls x block by block into one reused buffer of at most `blockValues` values (at least
   * one row): calls visit with the block's first row, its row count and the unrolled rows (im2col:
   * cols[r - r0, i·k + j] = x[b, t + j·dilation - leftPad, i] for row r = b·time + t; taps outside the
   * valid steps and rows of padded steps are zero).
   */
  private eachBlock(x: Seq, lengths: Int32Array, visit: (r0: number, n: number, cols: Arr) => void): void {
    const rows = x.batch * x.time;
    const K = this.taps();
    const blockRows = Math.max(1, Math.min(rows, Math.floor(this.blockValues / K)));
    const cols = alloc(this.dtype, blockRows * K);
    for (let r0 = 0; r0 < rows; r0 += blockRows) {
      const n = Math.min(blockRows, rows - r0);
      if (r0 > 0) cols.fill(0, 0, n * K);
      this.eachTap(x, lengths, r0, n, (xOff, colOff) => {
        for (let i = 0, c = colOff; i < this.inputFeatures; i++, c += this.kernelSize) cols[c] = x.data[xOff + i];
      });
      visit(r0, n, cols);
    }
  }

  /**
   * Visits every (output step, tap) pair of rows r0 .. r0+n-1 whose input step lies inside the
   * sequence's valid steps, with the offset of that input step in the [batch, time, in] data and of
   * the tap's first column in the block's unrolled rows.
   */
  private eachTap(s: Seq, lengths: Int32Array, r0: number, n: number, visit: (xOff: number, colOff: number) => void): void {
    const I = this.inputFeatures;
    const k = this.kernelSize;
    for (let r = r0; r < r0 + n; r++) {
      const b = Math.floor(r / s.time);
      const t = r - b * s.time;
      const L = lengths[b];
      if (t >= L) continue; // a padded step: its row stays zero
      for (let j = 0; j < k; j++) {
        const step = t + j * this.dilation - this.leftPad;
        if (step < 0 || step >= L) continue; // padding, or a step past the length: zeros
        visit((b * s.time + step) * I, (r - r0) * I * k + j);
      }
    }
  }

  private activate(z: Arr): void {
    if (this.activation === 'relu') for (let i = 0; i < z.length; i++) z[i] = z[i] > 0 ? z[i] : 0;
    else if (this.activation === 'tanh') for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]);
  }

  /** d act / d z, from the activated value y. */
  private activationSlope(y: number): number {
    if (this.activation === 'relu') return y > 0 ? 1 : 0;
    if (this.activation === 'tanh') return 1 - y * y;
    return 1;
  }
}

/** Sets every step at or beyond its sequence's length to zero. */
function zeroPaddedSteps(s: Seq, lengths: Int32Array): void {
  for (let b = 0; b < s.batch; b++) s.data.fill(0, (b * s.time + lengths[b]) * s.features, (b + 1) * s.time * s.features);
}
