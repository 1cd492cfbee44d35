import type { Param } from '../core/param';
import type { Rng } from '../core/rng';
import type { Seq } from '../core/seq';

export interface ForwardOptions {
  /** Valid length of each sequence in the batch (always resolved, never undefined here). */
  lengths: Int32Array;
  /** Dropout is active only while training. */
  training: boolean;
  /** No backward will follow: layers may skip their caches and use inference kernels. */
  inference?: boolean;
  rng: Rng;
}

/**
 * One stage of a Sequential model. `forward` caches what `backward` needs;
 * `backward` accumulates parameter gradients and returns dL/dinput
 * (null where the input is not differentiable, e.g. token ids).
 */
export interface Layer {
  readonly type: string;
  readonly inputFeatures: number;
  readonly outputFeatures: number;
  params(): Param[];
  forward(x: Seq, opts: ForwardOptions): Seq;
  backward(dy: Seq): Seq | null;
}
