/**
 * Exponential moving average of the parameters (Polyak averaging, as tf.train.ExponentialMovingAverage
 * with num_updates): evaluated and saved in place of the last weights, it smooths the noise of the
 * final optimizer steps. The decay ramps up as min(decay, (1 + n) / (10 + n)) after n updates, so
 * the average does not stay near the initial weights early in training.
 */
import type { Param } from '../core/param';
import { ShapeError } from '../core/seq';

export class WeightAverage {
  /** The averaged value of every parameter, in params order. */
  readonly values: Float64Array[];
  private swapped: Float64Array[] | null = null;

  constructor(
    params: Param[],
    readonly decay: number,
    /** Updates so far (restored with the values when resuming). */
    public updates = 0,
  ) {
    if (!(decay > 0 && decay < 1)) throw new ShapeError(`weight average: decay must be in (0, 1), got ${decay}`);
    this.values = params.map((p) => Float64Array.from(p.value));
  }

  /** Folds the current parameter values into the average (call after each optimizer step). */
  update(params: Param[]): void {
    this.check(params);
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    params.forEach((p, k) => {
      const a = this.values[k];
      for (let i = 0; i < a.length; i++) a[i] = d * a[i] + (1 - d) * p.value[i];
    });
  }

  /** Puts the averaged values into the parameters, keeping the trained ones for restore(). */
  apply(params: Param[]): void {
    this.check(params);
    if (this.swapped) throw new Error('weight average: apply() called twice without restore()');
    this.swapped = params.map((p) => Float64Array.from(p.value));
    params.forEach((p, k) => p.value.set(this.values[k]));
  }

  /** Puts back the trained values that apply() replaced. */
  restore(params: Param[]): void {
    if (!this.swapped) throw new Error('weight average: restore() called without apply()');
    params.forEach((p, k) => p.value.set(this.swapped![k]));
    this.swapped = null;
  }

  private check(params: Param[]): void {
    if (params.length !== this.values.length || params.some((p, k) => p.value.length !== this.values[k].length)) {
      throw new ShapeError('weight average: the parameters differ from the ones it was made for');
    }
  }
}

/**
 * Sets `target`'s parameters to the uniform mean of their own values and `others`' (a model soup: a fine-tuned model
 * averaged with the one it started from keeps some of what each does better, as WiSE-FT does, Wortsman et al. 2022).
 * Every list must hold the same parameters: the same names and shapes in the same order.
 */
export function averageWeightsInto(target: Param[], others: Param[][]): void {
  others.forEach((params, m) => {
    if (params.length !== target.length) throw new ShapeError(`weight average: model ${m + 2} has ${params.length} parameters, the first ${target.length}`);
    params.forEach((p, k) => {
      const t = target[k];
      if (p.name !== t.name || p.shape.join('x') !== t.shape.join('x') || p.value.constructor !== t.value.constructor) {
        const what = (q: Param) => `${nameOf(q)} ${q.shape.join('x')} ${q.value instanceof Float64Array ? 'float64' : 'float32'}`;
        throw new ShapeError(`weight average: parameter ${k + 1} is ${what(p)} in model ${m + 2}, ${what(t)} in the first`);
      }
    });
  });
  const n = others.length + 1;
  target.forEach((t, k) => {
    for (let i = 0; i < t.value.length; i++) {
      let sum = t.value[i];
      for (const params of others) sum += params[k].value[i];
      t.value[i] = sum / n;
    }
  });
}

/** A Sequential's parameters carry their layer in qualifiedName (e.g. 0.weight_ih); a bare Param only its name. */
function nameOf(p: Param): string {
  return (p as Param & { qualifiedName?: string }).qualifiedName ?? p.name;
}
