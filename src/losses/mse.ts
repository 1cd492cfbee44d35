import { alloc } from '../core/dtype';
import { ShapeError, type Seq } from '../core/seq';
import type { Loss, LossResult, Target } from './loss';

/**
 * Mean squared error over all unmasked values. For per-step outputs [B, T, F] the
 * padded steps are skipped; for last-step outputs [B, 1, F] every sequence counts.
 */
export class MeanSquaredError implements Loss {
  readonly name = 'mse';

  compute(output: Seq, target: Target, lengths: Int32Array): LossResult {
    const { batch: B, time: T, features: F } = output;
    if (target.data.length !== output.data.length) {
      throw new ShapeError(`mse: target has ${target.data.length} values, output has ${output.data.length} (batch ${B} x time ${T} x features ${F})`);
    }
    const grad = alloc(output.data instanceof Float64Array ? 'float64' : 'float32', output.data.length);
    let count = 0;
    for (let b = 0; b < B; b++) count += (T === 1 ? 1 : Math.min(lengths[b], T)) * F;
    const scale = count > 0 ? 1 / count : 0;
    let total = 0;
    for (let b = 0; b < B; b++) {
      const steps = T === 1 ? 1 : Math.min(lengths[b], T);
      for (let i = b * T * F; i < (b * T + steps) * F; i++) {
        const d = output.data[i] - target.data[i];
        total += d * d;
        grad[i] = 2 * d * scale;
      }
    }
    return { loss: total * scale, grad: { ...output, data: grad }, count };
  }
}

export const mse = (): MeanSquaredError => new MeanSquaredError();
