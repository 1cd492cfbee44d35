/** Rolling-origin evaluation: forecast from every origin in the held-out period using only the past. */
import { ShapeError } from '../core/seq';

export interface RollingResult {
  /** Forecast origins (index of the first forecast value). */
  origins: Int32Array;
  /** [origins x horizon], row-major, aligned with `forecast`. */
  actual: Float64Array;
  forecast: Float64Array;
}

/**
 * For origin = start, start+stride, ... while origin + horizon <= series.length, calls
 * `forecastFn(series.slice(0, origin), horizon)` and collects the forecasts next to the actual values.
 */
export function rollingOrigin(
  series: ArrayLike<number>,
  opts: { start: number; horizon: number; stride?: number },
  forecastFn: (history: ArrayLike<number>, horizon: number) => ArrayLike<number>,
): RollingResult {
  const { start, horizon } = opts;
  const stride = opts.stride ?? 1;
  if (!Number.isInteger(start) || start < 1 || start + horizon > series.length) {
    throw new ShapeError(`rollingOrigin: start ${start} leaves no full horizon of ${horizon} inside a series of ${series.length}`);
  }
  const values = Array.from(series);
  const origins: number[] = [];
  for (let o = start; o + horizon <= values.length; o += stride) origins.push(o);
  const actual = new Float64Array(origins.length * horizon);
  const forecast = new Float64Array(origins.length * horizon);
  origins.forEach((o, i) => {
    const f = forecastFn(values.slice(0, o), horizon);
    if (f.length !== horizon) throw new ShapeError(`rollingOrigin: the forecaster returned ${f.length} values, expected ${horizon}`);
    for (let h = 0; h < horizon; h++) {
      actual[i * horizon + h] = values[o + h];
      forecast[i * horizon + h] = f[h];
    }
  });
  return { origins: Int32Array.from(origins), actual, forecast };
}
