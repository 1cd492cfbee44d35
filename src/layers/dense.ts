import { alloc, type DType } from '../core/dtype';
import { addRowSums, gemmNN, gemmNT, gemmTN } from '../core/gemm';
import { nativeKernel } from '../core/native';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { expectFeatures, ShapeError, type Seq } from '../core/seq';
import type { ForwardOptions, Layer } from './layer';

export interface DenseSpec {
  type: 'dense';
  units: number;
}

/** y = x·Wᵀ + b applied at every step (W is [units, in] as in torch.nn.Linear). */
export class Dense implements Layer {
  readonly type = 'dense';
  readonly outputFeatures: number;
  readonly weight: Param;
  readonly bias: Param;
  private x: Seq | null = null;

  constructor(readonly spec: DenseSpec, readonly inputFeatures: number, readonly dtype: DType, rng: Rng) {
    if (!Number.isInteger(spec.units) || spec.units <= 0) {
      throw new ShapeError(`dense: units must be a positive integer, got ${spec.units}`);
    }
    this.outputFeatures = spec.units;
    this.weight = makeParam('weight', [spec.units, inputFeatures], dtype);
    this.bias = makeParam('bias', [spec.units], dtype);
    // torch.nn.Linear's default: U(±1/sqrt(in)) for weight and bias.
    const k = 1 / Math.sqrt(inputFeatures);
    for (const p of [this.weight, this.bias]) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Seq, opts?: Pick<ForwardOptions, 'inference'>): Seq {
    expectFeatures('dense', x, this.inputFeatures);
    this.x = x;
    const rows = x.batch * x.time;
    const O = this.outputFeatures;
    const y = alloc(this.dtype, rows * O);
    const k = opts?.inference ? nativeKernel() : null;
    if (k && x.data instanceof Float32Array && y instanceof Float32Array) {
      k.linear(rows, O, this.inputFeatures, 2, x.data, this.weight.value as Float32Array, this.bias.value as Float32Array, y);
      return { data: y, batch: x.batch, time: x.time, features: O };
    }
    for (let r = 0; r < rows; r++) y.set(this.bias.value, r * O);
    gemmNT(rows, O, this.inputFeatures, x.data, 0, this.weight.value, 0, y, 0);
    return { data: y, batch: x.batch, time: x.time, features: O };
  }

  backward(dy: Seq): Seq {
    const x = this.x;
    if (!x) throw new Error('backward called before forward');
    const rows = x.batch * x.time;
    const O = this.outputFeatures;
    const I = this.inputFeatures;
    gemmTN(O, I, rows, dy.data, 0, x.data, 0, this.weight.grad, 0);
    addRowSums(rows, O, dy.data, 0, this.bias.grad);
    const dx = alloc(this.dtype, rows * I);
    gemmNN(rows, I, O, dy.data, 0, this.weight.value, 0, dx, 0);
    return { data: dx, batch: x.batch, time: x.time, features: I };
  }
}
