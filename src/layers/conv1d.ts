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

/** Zero steps before the first one a 'same' or 'causal' convolution reads (the rest of the span goes on the right). */
export function conv1dLeftPad(spec: Conv1DSpec): number {
  const span = (spec.dilation ?? 1) * (spec.kernelSize - 1);
  return (spec.padding ?? 'same') === 'causal' ? span : Math.floor(span / 2);
}

/** What a model summary says about the layer beyond its type, e.g. "kernel 3, dilation 2, causal, relu". */
export function conv1dNotes(spec: Conv1DSpec): string {
  const { dilation = 1, padding = 'same', activation = 'linear' } = spec;
  return [`kernel ${spec.kernelSize}`, dilation !== 1 && `dilation ${dilation}`, padding, activation !== 'linear' && activation].filter(Boolean).join(', ');
}

/**
 * 1-D convolution over time with stride 1 (so the time length and the sequence lengths stay as
 * they are), as torch.nn.Conv1d: y[t, f] = act(b[f] + Σ_i Σ_j W[f, i, j] · x[t + j·dilation - leftPad, i]).
 * Steps at or beyond a sequence's length count as zeros in the input and are zero in the output,
 * so a padded batch gives on its valid steps what each sequence gives alone.
 * Computed as im2col (one row of in·kernelSize taps per step) and one product with the weight,
 * on whichever kernel backend is selected.
 */
export class Conv1D implements Layer {
  readonly type = 'conv1d';
  readonly outputFeatures: number;
  /** [filters, in, kernelSize], as torch.nn.Conv1d. */
  readonly weight: Param;
  readonly bias: Param;
  private readonly dilation: number;
  private readonly leftPad: number;
  private readonly activation: Conv1DActivation;
  /** What backward needs: the unrolled input, the activated output and the valid lengths. */
  private cache: { cols: Arr; y: Seq; lengths: Int32Array } | null = null;

  constructor(readonly spec: Conv1DSpec, readonly inputFeatures: number, readonly dtype: DType, rng: Rng) {
    for (const field of ['filters', 'kernelSize', 'dilation'] as const) {
      const v = spec[field] ?? 1;
      if (!Number.isInteger(v) || v <= 0) throw new ShapeError(`conv1d: ${field} must be a positive integer, got ${v}`);
    }
    const padding = spec.padding ?? 'same';
    if (!CONV1D_PADDINGS.includes(padding)) throw new ShapeError(`conv1d: padding must be one of ${CONV1D_PADDINGS.join(', ')}, got ${String(padding)}`);
    this.activation = spec.activation ?? 'linear';
    if (!CONV1D_ACTIVATIONS.includes(this.activation)) {
      throw new ShapeError(`conv1d: activation must be one of ${CONV1D_ACTIVATIONS.join(', ')}, got ${String(this.activation)}`);
    }
    this.dilation = spec.dilation ?? 1;
    this.leftPad = conv1dLeftPad(spec);
    this.outputFeatures = spec.filters;
    this.weight = makeParam('weight', [spec.filters, inputFeatures, spec.kernelSize], dtype);
    this.bias = makeParam('bias', [spec.filters], dtype);
    // torch.nn.Conv1d's default (kaiming-uniform with a=√5): U(±1/sqrt(in·kernelSize)) for weight and bias.
    const k = 1 / Math.sqrt(inputFeatures * spec.kernelSize);
    for (const p of [this.weight, this.bias]) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Seq, opts: ForwardOptions): Seq {
    expectFeatures('conv1d', x, this.inputFeatures);
    const rows = x.batch * x.time;
    const F = this.outputFeatures;
    // A last-step layer before this one leaves one step while lengths still count the original ones.
    const lengths = opts.lengths.map((L) => Math.min(L, x.time));
    const cols = alloc(this.dtype, rows * this.taps());
    this.unroll(x, lengths, cols);
    const z = alloc(this.dtype, rows * F);
    kernelsFor(this.dtype).linear(rows, F, this.taps(), cols, this.weight.value, this.bias.value, z);
    this.activate(z);
    const y: Seq = { data: z, batch: x.batch, time: x.time, features: F };
    zeroPaddedSteps(y, lengths);
    this.cache = opts.inference ? null : { cols, y, lengths };
    return y;
  }

  backward(dy: Seq): Seq {
    if (!this.cache) throw new Error('conv1d: backward needs a forward that kept its caches (not predict or inference)');
    const { cols, y, lengths } = this.cache;
    const rows = y.batch * y.time;
    const F = this.outputFeatures;
    const K = this.taps();
    // dz: the gradient at the pre-activation, zero on padded steps (their output is a constant zero).
    const dz: Seq = { ...y, data: alloc(this.dtype, rows * F) };
    for (let i = 0; i < dz.data.length; i++) dz.data[i] = dy.data[i] * this.activationSlope(y.data[i]);
    zeroPaddedSteps(dz, lengths);
    const kernels = kernelsFor(this.dtype);
    kernels.gemmTN(F, K, rows, dz.data, 0, cols, 0, this.weight.grad, 0);
    addRowSums(rows, F, dz.data, 0, this.bias.grad);
    const dcols = alloc(this.dtype, rows * K);
    kernels.gemmNN(rows, K, F, dz.data, 0, this.weight.value, 0, dcols, 0);
    const dx: Seq = { data: alloc(this.dtype, rows * this.inputFeatures), batch: y.batch, time: y.time, features: this.inputFeatures };
    this.fold(dcols, lengths, dx);
    return dx;
  }

  /** Columns of the unrolled input: in·kernelSize, ordered (channel, tap) like the flattened weight. */
  private taps(): number {
    return this.inputFeatures * this.spec.kernelSize;
  }

  /**
   * Visits every (output step, tap) pair whose input step lies inside the sequence's valid steps,
   * with the offsets of that input step in x and of the tap's first column in the unrolled row.
   */
  private eachTap(batch: number, time: number, lengths: Int32Array, visit: (xOff: number, colOff: number) => void): void {
    const I = this.inputFeatures;
    const k = this.spec.kernelSize;
    for (let b = 0; b < batch; b++) {
      const L = lengths[b];
      for (let t = 0; t < L; t++) {
        for (let j = 0; j < k; j++) {
          const s = t + j * this.dilation - this.leftPad;
          if (s < 0 || s >= L) continue; // padding, or a step past the length: zeros
          visit((b * time + s) * I, (b * time + t) * I * k + j);
        }
      }
    }
  }

  /** im2col: cols[(b,t), i·k + j] = x[b, t + j·dilation - leftPad, i]; rows of padded steps stay zero. */
  private unroll(x: Seq, lengths: Int32Array, cols: Arr): void {
    const I = this.inputFeatures;
    const k = this.spec.kernelSize;
    this.eachTap(x.batch, x.time, lengths, (xOff, colOff) => {
      for (let i = 0; i < I; i++) cols[colOff + i * k] = x.data[xOff + i];
    });
  }

  /** col2im, the adjoint of unroll: each column's gradient goes back to the input step it was read from. */
  private fold(dcols: Arr, lengths: Int32Array, dx: Seq): void {
    const I = this.inputFeatures;
    const k = this.spec.kernelSize;
    this.eachTap(dx.batch, dx.time, lengths, (xOff, colOff) => {
      for (let i = 0; i < I; i++) dx.data[xOff + i] += dcols[colOff + i * k];
    });
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
