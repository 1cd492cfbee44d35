/** Dated observations to an evenly spaced monthly series (gaps filled by linear interpolation). */
import { ShapeError } from '../core/seq';

export interface MonthlySeries {
  /** First month, as 'YYYY-MM'. */
  start: string;
  values: Float64Array;
  /** Indices of months that were missing and were interpolated. */
  filled: number[];
}

function monthIndex(date: string): number {
  const m = /^(\d{4})-(\d{2})/.exec(date);
  if (!m) throw new ShapeError(`not a YYYY-MM date: '${date}'`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthlySeries(dates: string[], values: ArrayLike<number>): MonthlySeries {
  if (dates.length !== values.length) throw new ShapeError(`${dates.length} dates but ${values.length} values`);
  if (dates.length < 2) throw new ShapeError('a monthly series needs at least two observations');
  const idx = dates.map(monthIndex);
  for (let i = 1; i < idx.length; i++) {
    if (idx[i] <= idx[i - 1]) throw new ShapeError(`dates must increase month by month: '${dates[i]}' follows '${dates[i - 1]}'`);
  }
  const first = idx[0];
  const out = new Float64Array(idx[idx.length - 1] - first + 1);
  const filled: number[] = [];
  for (let i = 0; i < idx.length; i++) {
    if (!Number.isFinite(values[i])) throw new ShapeError(`value for ${dates[i]} is ${values[i]}`);
    out[idx[i] - first] = values[i];
    if (i > 0) {
      for (let k = idx[i - 1] + 1; k < idx[i]; k++) {
        const w = (k - idx[i - 1]) / (idx[i] - idx[i - 1]);
        out[k - first] = (1 - w) * values[i - 1] + w * values[i];
        filled.push(k - first);
      }
    }
  }
  const y = Math.floor(first / 12);
  return { start: `${y}-${String((first % 12) + 1).padStart(2, '0')}`, values: out, filled };
}
