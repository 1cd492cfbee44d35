import { alloc, type Arr, type DType } from '../core/dtype';
import type { Param } from '../core/param';
import { ShapeError, type Seq } from '../core/seq';
import type { ForwardOptions, Layer } from './layer';

export interface DropoutSpec {
  type: 'dropout';
  rate: number;
}

/** Inverted dropout: zeroes a fraction `rate` of activations while training, scales the rest. */
export class Dropout implements Layer {
  readonly type = 'dropout';
  readonly outputFeatures: number;
  private mask: Arr | null = null;

  constructor(readonly spec: DropoutSpec, readonly inputFeatures: number, readonly dtype: DType) {
    if (!(spec.rate >= 0 && spec.rate < 1)) throw new ShapeError(`dropout: rate must be in [0, 1), got ${spec.rate}`);
    this.outputFeatures = inputFeatures;
  }

  params(): Param[] {
    return [];
  }

  forward(x: Seq, opts: ForwardOptions): Seq {
    if (!opts.training || this.spec.rate === 0) {
      this.mask = null;
      return x;
    }
    const keep = 1 - this.spec.rate;
    const n = x.data.length;
    const mask = alloc(this.dtype, n);
    const y = alloc(this.dtype, n);
    for (let i = 0; i < n; i++) {
      mask[i] = opts.rng.next() < keep ? 1 / keep : 0;
      y[i] = x.data[i] * mask[i];
    }
    this.mask = mask;
    return { ...x, data: y };
  }

  backward(dy: Seq): Seq {
    if (!this.mask) return dy;
    const dx = alloc(this.dtype, dy.data.length);
    for (let i = 0; i < dx.length; i++) dx[i] = dy.data[i] * this.mask[i];
    return { ...dy, data: dx };
  }
}
