/** Classical benchmark forecasts that any learned forecaster has to beat. */
import { ShapeError } from '../core/seq';

function checkHistory(history: ArrayLike<number>, period: number, horizon: number, what: string): void {
  if (!Number.isInteger(period) || period < 1) throw new ShapeError(`${what}: period must be a positive integer, got ${period}`);
  if (!Number.isInteger(horizon) || horizon < 1) throw new ShapeError(`${what}: horizon must be a positive integer, got ${horizon}`);
  if (history.length < period) throw new ShapeError(`${what}: needs at least one full period (${period}) of history, got ${history.length}`);
}

/** y(T+h) = y(T+h-m(k+1)), k = floor((h-1)/m): the same season one period earlier. */
export function seasonalNaive(history: ArrayLike<number>, period: number, horizon: number): Float64Array {
  checkHistory(history, period, horizon, 'seasonalNaive');
  const T = history.length;
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) {
    const k = Math.floor((h - 1) / period);
    out[h - 1] = history[T + h - period * (k + 1) - 1];
  }
  return out;
}

/**
 * Seasonal naive plus the mean change per period (a random walk with drift on the seasonal
 * differences): y(T+h) = y(T+h-m(k+1)) + (k+1)·d, d = mean(y_t - y_{t-m}).
 */
export function seasonalNaiveWithDrift(history: ArrayLike<number>, period: number, horizon: number): Float64Array {
  checkHistory(history, period, horizon, 'seasonalNaiveWithDrift');
  if (history.length < 2 * period) {
    throw new ShapeError(`seasonalNaiveWithDrift: needs two periods (${2 * period}) of history to estimate the drift, got ${history.length}`);
  }
  const T = history.length;
  let d = 0;
  for (let t = period; t < T; t++) d += history[t] - history[t - period];
  d /= T - period;
  const out = seasonalNaive(history, period, horizon);
  for (let h = 1; h <= horizon; h++) out[h - 1] += (Math.floor((h - 1) / period) + 1) * d;
  return out;
}
