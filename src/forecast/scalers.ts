/** Affine rescaling of a series fitted on training data only (no look-ahead into the test period). */
import { ShapeError } from '../core/seq';
import { checkNoGaps } from './series-check';

export interface Scaler {
  transform(values: ArrayLike<number>): Float64Array;
  inverse(values: ArrayLike<number>): Float64Array;
  /** Scale of one unit after transform, in original units (for rescaling differences). */
  readonly unit: number;
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new ShapeError(`${what}: cannot fit on an empty series`);
  checkNoGaps(values, what);
}

class AffineScaler implements Scaler {
  constructor(readonly offset: number, readonly unit: number) {}
  transform(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(values, (v) => (v - this.offset) / this.unit);
  }
  inverse(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(values, (v) => v * this.unit + this.offset);
  }
}

/** Zero mean, unit standard deviation. */
export function standardScaler(train: ArrayLike<number>): Scaler {
  checkFinite(train, 'standardScaler');
  let mean = 0;
  for (let i = 0; i < train.length; i++) mean += train[i];
  mean /= train.length;
  let v = 0;
  for (let i = 0; i < train.length; i++) v += (train[i] - mean) ** 2;
  const sd = Math.sqrt(v / train.length);
  if (sd === 0) throw new ShapeError('standardScaler: the series is constant (standard deviation 0)');
  return new AffineScaler(mean, sd);
}

/** Maps [min, max] of the training data to [0, 1]. */
export function minMaxScaler(train: ArrayLike<number>): Scaler {
  checkFinite(train, 'minMaxScaler');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < train.length; i++) {
    lo = Math.min(lo, train[i]);
    hi = Math.max(hi, train[i]);
  }
  if (hi === lo) throw new ShapeError('minMaxScaler: the series is constant (max = min)');
  return new AffineScaler(lo, hi - lo);
}
