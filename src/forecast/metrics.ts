/** Point-forecast error measures over aligned actual/forecast arrays. */
import { ShapeError } from '../core/seq';

function checkPair(actual: ArrayLike<number>, forecast: ArrayLike<number>, what: string): void {
  if (actual.length !== forecast.length) {
    throw new ShapeError(`${what}: ${actual.length} actual values but ${forecast.length} forecasts`);
  }
  if (actual.length === 0) throw new ShapeError(`${what}: no values to compare`);
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(forecast[i])) {
      throw new ShapeError(`${what}: non-finite value at index ${i} (actual ${actual[i]}, forecast ${forecast[i]})`);
    }
  }
}

export function rmse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast, 'rmse');
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - forecast[i]) ** 2;
  return Math.sqrt(s / actual.length);
}

export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast, 'mae');
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / actual.length;
}

/** Mean absolute percentage error, in percent. Undefined when an actual value is 0. */
export function mape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast, 'mape');
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) throw new ShapeError(`mape: actual value at index ${i} is 0 (percentage error undefined); use mae or smape`);
    s += Math.abs((actual[i] - forecast[i]) / actual[i]);
  }
  return (100 * s) / actual.length;
}

/** Symmetric MAPE in percent (0..200), defined when actual and forecast are not both 0. */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast, 'smape');
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(forecast[i]);
    s += d === 0 ? 0 : (2 * Math.abs(actual[i] - forecast[i])) / d;
  }
  return (100 * s) / actual.length;
}
