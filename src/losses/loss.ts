import type { Arr } from '../core/dtype';
import type { Seq } from '../core/seq';

/** Targets laid out like a Seq: class ids (Int32Array) or real values. */
export interface Target {
  data: Int32Array | Arr;
  batch: number;
  time: number;
  features: number;
}

export interface LossResult {
  /** Mean loss over the counted (unmasked) elements. */
  loss: number;
  /** dL/doutput, same shape as the model output. */
  grad: Seq;
  /** How many elements the mean is over (for weighting batch losses into an epoch mean). */
  count: number;
}

export interface Loss {
  readonly name: string;
  compute(output: Seq, target: Target, lengths: Int32Array): LossResult;
}
