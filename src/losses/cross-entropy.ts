import { alloc } from '../core/dtype';
import { kernelsFor, type Kernels } from '../kernels';
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
    const x = logits.data;
    const kernels = kernelsFor(x instanceof Float64Array ? 'float64' : 'float32');
    if (kernels.softmaxRows && C >= NATIVE_SOFTMAX_MIN_CLASSES) {
      return this.nativeRows(kernels.softmaxRows, logits, rows, scale, count);
    }
    const grad = alloc(x instanceof Float64Array ? 'float64' : 'float32', x.length);
    // One exp per logit (kept in float64 for the gradient): with large vocabularies (word models)
    // this loop, not the matrix products, is most of a training step.
    const e = new Float64Array(C);
    for (const [row, label] of rows) {
      if (label === IGNORE_LABEL) continue;
      const o = row * C;
      let max = -Infinity;
      for (let c = 0; c < C; c++) if (x[o + c] > max) max = x[o + c];
      let sum = 0;
      for (let c = 0; c < C; c++) sum += e[c] = Math.exp(x[o + c] - max);
      total += max + Math.log(sum) - x[o + label];
      const k = scale / sum;
      for (let c = 0; c < C; c++) grad[o + c] = e[c] * k;
      grad[o + label] -= scale;
    }
    return { loss: total * scale, grad: { ...logits, data: grad }, count };
  }

  /**
   * The same through a kernel's row softmax. When at least half the rows are scored (per-step labels, little padding)
   * it runs on every row and zeroes the gradient of the rest; when fewer are (one label per sequence, heavy padding,
   * many ignored labels), only the scored rows are copied through it. Each row is computed alone, so both give the same bits.
   */
  private nativeRows(softmaxRows: NonNullable<Kernels['softmaxRows']>, logits: Seq, rows: [number, number, number][], scale: number, count: number): LossResult {
    const { batch: B, time: T, features: C } = logits;
    const x = logits.data as Float32Array;
    const grad = new Float32Array(x.length);
    const scored = rows.filter(([, label]) => label !== IGNORE_LABEL);
    let total = 0;
    if (2 * scored.length >= B * T) {
      const logZ = new Float32Array(B * T);
      softmaxRows(B * T, C, x, scale, grad, logZ);
      const isScored = new Uint8Array(B * T);
      for (const [row, label] of scored) {
        isScored[row] = 1;
        total += logZ[row] - x[row * C + label];
        grad[row * C + label] -= scale;
      }
      for (let r = 0; r < B * T; r++) if (!isScored[r]) grad.fill(0, r * C, (r + 1) * C);
    } else {
      const picked = new Float32Array(scored.length * C);
      scored.forEach(([row], i) => picked.set(x.subarray(row * C, (row + 1) * C), i * C));
      const probs = new Float32Array(picked.length);
      const logZ = new Float32Array(scored.length);
      softmaxRows(scored.length, C, picked, scale, probs, logZ);
      scored.forEach(([row, label], i) => {
        total += logZ[i] - x[row * C + label];
        probs[i * C + label] -= scale;
        grad.set(probs.subarray(i * C, (i + 1) * C), row * C);
      });
    }
    return { loss: total * scale, grad: { ...logits, data: grad }, count };
  }
}

/** Below this many classes the JS loop is as fast and exact (float64 exps): the kernel is for word vocabularies. */
const NATIVE_SOFTMAX_MIN_CLASSES = 1024;

export const crossEntropy = (opts: { perStep?: boolean } = {}): SoftmaxCrossEntropy =>
  new SoftmaxCrossEntropy(opts.perStep ?? true);
