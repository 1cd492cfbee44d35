import { rowLogSumExp } from '../core/rows';
import { alloc } from '../core/dtype';
import { ShapeError, type Seq } from '../core/seq';
import type { Loss, LossResult, Target } from './loss';

/** Label value meaning "no target here" (not counted in the loss). */
export const IGNORE_LABEL = -1;

/**
 * Softmax cross-entropy over the feature axis of logits [B, T, C].
 * perStep: one label per step (targets [B, T]), padded steps and IGNORE_LABEL skipped.
 * last step: one label per sequence (targets [B]) scored on the step at each sequence's
 * length (or on the only step when the model already returns the final state).
 */
export class SoftmaxCrossEntropy implements Loss {
  readonly name: string;
  constructor(readonly perStep: boolean) {
    this.name = perStep ? 'cross-entropy (per step)' : 'cross-entropy (last step)';
  }

  compute(logits: Seq, target: Target, lengths: Int32Array): LossResult {
    const { batch: B, time: T, features: C } = logits;
    const expected = this.perStep ? B * T : B;
    if (target.data.length !== expected) {
      throw new ShapeError(
        `${this.name}: expected ${expected} labels (${this.perStep ? 'batch x time' : 'one per sequence'}), got ${target.data.length}`,
      );
    }
    const grad = alloc(logits.data instanceof Float64Array ? 'float64' : 'float32', logits.data.length);
    const rows: [number, number, number][] = []; // [row in logits, label, sequence]
    for (let b = 0; b < B; b++) {
      if (this.perStep) {
        for (let t = 0; t < Math.min(lengths[b], T); t++) rows.push([b * T + t, target.data[b * T + t], b]);
      } else if (lengths[b] > 0) {
        rows.push([b * T + (T === 1 ? 0 : lengths[b] - 1), target.data[b], b]);
      }
    }
    let total = 0;
    let count = 0;
    for (const [row, label] of rows) {
      if (label === IGNORE_LABEL) continue;
      if (!Number.isInteger(label) || label < 0 || label >= C) {
        throw new ShapeError(`${this.name}: label ${label} (row ${row}) is outside the ${C} classes [0, ${C})`);
      }
      count++;
    }
    const scale = count > 0 ? 1 / count : 0;
    for (const [row, label] of rows) {
      if (label === IGNORE_LABEL) continue;
      const o = row * C;
      const logZ = rowLogSumExp(logits.data, o, C);
      total += logZ - logits.data[o + label];
      for (let c = 0; c < C; c++) grad[o + c] = Math.exp(logits.data[o + c] - logZ) * scale;
      grad[o + label] -= scale;
    }
    return { loss: total * scale, grad: { ...logits, data: grad }, count };
  }
}

export const crossEntropy = (opts: { perStep?: boolean } = {}): SoftmaxCrossEntropy =>
  new SoftmaxCrossEntropy(opts.perStep ?? true);
