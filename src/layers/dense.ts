import { alloc, type DType } from '../core/dtype';
import { kernelsFor } from '../kernels';
import { addRowSums } from '../kernels/stepped';
import { checkedShared, makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { expectFeatures, ShapeError, type Seq } from '../core/seq';
import type { Layer } from './layer';

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

  /** `sharedWeight`: use this [units, in] parameter (weight tying, e.g. with an embedding) instead of a new one. */
  constructor(readonly spec: DenseSpec, readonly inputFeatures: number, readonly dtype: DType, rng: Rng, sharedWeight?: Param) {
    if (!Number.isInteger(spec.units) || spec.units <= 0) {
      throw new ShapeError(`dense: units must be a positive integer, got ${spec.units}`);
    }
    this.outputFeatures = spec.units;
    this.weight = sharedWeight ? checkedShared('dense', sharedWeight, [spec.units, inputFeatures]) : makeParam('weight', [spec.units, inputFeatures], dtype);
    this.bias = makeParam('bias', [spec.units], dtype);
    // torch.nn.Linear's default: U(±1/sqrt(in)) for weight and bias (a shared weight keeps its values).
    const k = 1 / Math.sqrt(inputFeatures);
    for (const p of sharedWeight ? [this.bias] : [this.weight, this.bias]) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-k, k);
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  forward(x: Seq): Seq {
    expectFeatures('dense', x, this.inputFeatures);
    this.x = x;
    const rows = x.batch * x.time;
    const O = this.outputFeatures;
    const y = alloc(this.dtype, rows * O);
    kernelsFor(this.dtype).linear(rows, O, this.inputFeatures, x.data, this.weight.value, this.bias.value, y);
    return { data: y, batch: x.batch, time: x.time, features: O };
  }

  backward(dy: Seq): Seq {
    const x = this.x;
    if (!x) throw new Error('backward called before forward');
    const rows = x.batch * x.time;
    const O = this.outputFeatures;
    const I = this.inputFeatures;
    const kernels = kernelsFor(this.dtype);
    kernels.gemmTN(O, I, rows, dy.data, 0, x.data, 0, this.weight.grad, 0);
    addRowSums(rows, O, dy.data, 0, this.bias.grad);
    const dx = alloc(this.dtype, rows * I);
    kernels.gemmNN(rows, I, O, dy.data, 0, this.weight.value, 0, dx, 0);
    return { data: dx, batch: x.batch, time: x.time, features: I };
  }
}
