/**
 * Supervised windows over a series for direct multi-step forecasting: `inputLength` past
 * values in, the next `horizon` values out. Values are anchored to the last input value and
 * divided by a scale, so a model learns changes (which stay in range when the level trends
 * past anything seen in training) rather than levels.
 */
import { ShapeError, type Seq } from '../core/seq';
import type { Dataset } from '../train/dataset';
import { checkNoGaps } from './series-check';

export interface WindowSpec {
  inputLength: number;
  horizon: number;
  /** Season length; adds sin/cos of the seasonal phase of each input step as features. */
  period?: number;
  /** Seasonal position of series index 0 (e.g. 2 for a monthly series starting in March). */
  phaseOffset?: number;
}

export function checkWindowSpec(spec: WindowSpec): void {
  for (const key of ['inputLength', 'horizon'] as const) {
    if (!Number.isInteger(spec[key]) || spec[key] < 1) throw new ShapeError(`${key} must be a positive integer, got ${spec[key]}`);
  }
  if (spec.period !== undefined && (!Number.isInteger(spec.period) || spec.period < 2)) {
    throw new ShapeError(`period must be an integer >= 2, got ${spec.period}`);
  }
}

export function featuresPerStep(spec: WindowSpec): number {
  return spec.period ? 3 : 1;
}

/** Features of the window ending just before `origin` (series indices origin-inputLength .. origin-1). */
export function windowInputs(series: ArrayLike<number>, origin: number, spec: WindowSpec, scale: number, out: Float32Array, at: number): void {
  const F = featuresPerStep(spec);
  const anchor = series[origin - 1];
  for (let k = 0; k < spec.inputLength; k++) {
    const t = origin - spec.inputLength + k;
    const o = at + k * F;
    out[o] = (series[t] - anchor) / scale;
    if (spec.period) {
      const phase = (2 * Math.PI * (t + (spec.phaseOffset ?? 0))) / spec.period;
      out[o + 1] = Math.sin(phase);
      out[o + 2] = Math.cos(phase);
    }
  }
}

/**
 * All windows whose targets lie inside `series`, stepping the forecast origin by `stride`.
 * Targets are [N, 1, horizon] (changes from the anchor, divided by `scale`).
 */
export function makeWindows(series: ArrayLike<number>, spec: WindowSpec, scale: number, stride = 1): Dataset & { origins: Int32Array } {
  checkWindowSpec(spec);
  const { inputLength: L, horizon: H } = spec;
  if (series.length < L + H) {
    throw new ShapeError(`a series of ${series.length} values is too short for windows of ${L} inputs + ${H} targets`);
  }
  checkNoGaps(series, 'series');
  const origins: number[] = [];
  for (let origin = L; origin + H <= series.length; origin += stride) origins.push(origin);
  const F = featuresPerStep(spec);
  const x: Seq = { data: new Float32Array(origins.length * L * F), batch: origins.length, time: L, features: F };
  const y = new Float32Array(origins.length * H);
  origins.forEach((origin, n) => {
    windowInputs(series, origin, spec, scale, x.data as Float32Array, n * L * F);
    for (let h = 0; h < H; h++) y[n * H + h] = (series[origin + h] - series[origin - 1]) / scale;
  });
  return { x, y: { data: y, batch: origins.length, time: 1, features: H }, origins: Int32Array.from(origins) };
}

/** Root mean square of the anchored targets: the unit that makes them about unit variance. */
export function anchoredScale(series: ArrayLike<number>, spec: WindowSpec): number {
  const w = makeWindows(series, spec, 1);
  let s = 0;
  for (let i = 0; i < w.y.data.length; i++) s += w.y.data[i] ** 2;
  const r = Math.sqrt(s / w.y.data.length);
  if (!(r > 0)) throw new ShapeError('the series does not change over any forecast window (scale 0)');
  return r;
}
