/** The one check every forecasting entry point makes on a series: no missing or infinite values. */
import { ShapeError } from '../core/seq';

export function checkNoGaps(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ShapeError(`${what}: value at index ${i} is ${values[i]}; fill or drop missing values first`);
  }
}
