import { alloc, type Arr } from '../core/dtype';
import { ShapeError, type Seq } from '../core/seq';
import type { Target } from '../losses/loss';

/** N sequences: inputs [N, T, F], targets [N, T', C] (T' = T per step, 1 per sequence), lengths [N]. */
export interface Dataset {
  x: Seq;
  y: Target;
  lengths?: Int32Array;
}

export interface Batch {
  x: Seq;
  y: Target;
  lengths: Int32Array;
}

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** Checks sizes and values up front so that errors name the sequence, not a kernel index. */
export function validateDataset(ds: Dataset, inputFeatures: number, what = 'dataset'): void {
  const { x, y } = ds;
  const N = x.batch;
  if (N === 0) throw new DataError(`${what} is empty (0 sequences)`);
  if (x.features !== inputFeatures) {
    throw new ShapeError(`${what}: the model expects ${inputFeatures} features per step, the data has ${x.features}`);
  }
  if (x.data.length !== N * x.time * x.features) {
    throw new ShapeError(`${what}: x has ${x.data.length} values, not ${N} x ${x.time} x ${x.features}`);
  }
  if (y.batch !== N) throw new ShapeError(`${what}: x has ${N} sequences but y has ${y.batch}`);
  if (y.data.length !== y.batch * y.time * y.features) {
    throw new ShapeError(`${what}: y has ${y.data.length} values, not ${y.batch} x ${y.time} x ${y.features}`);
  }
  if (y.time !== 1 && y.time !== x.time) {
    throw new ShapeError(`${what}: y has ${y.time} steps; expected ${x.time} (per step) or 1 (per sequence)`);
  }
  if (ds.lengths && ds.lengths.length !== N) {
    throw new ShapeError(`${what}: lengths has ${ds.lengths.length} entries for ${N} sequences`);
  }
  ds.lengths?.forEach((L, i) => {
    if (!(L >= 0 && L <= x.time)) throw new ShapeError(`${what}: lengths[${i}] = ${L} is outside [0, ${x.time}]`);
  });
  firstNonFinite(x.data, (i) => `${what}: x has ${x.data[i]} at sequence ${Math.floor(i / (x.time * x.features))}, step ${Math.floor(i / x.features) % x.time}, feature ${i % x.features}`);
  firstNonFinite(y.data, (i) => `${what}: y has ${y.data[i]} at sequence ${Math.floor(i / (y.time * y.features))}, step ${Math.floor(i / y.features) % y.time}`);
}

function firstNonFinite(data: ArrayLike<number>, describe: (i: number) => string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new DataError(describe(i));
  }
}

/** Gathers rows (sequences) `idx` of a [N, T, F] tensor. */
function gatherRows<A extends Arr | Int32Array>(data: A, rowSize: number, idx: ArrayLike<number>, make: (n: number) => A): A {
  const out = make(idx.length * rowSize);
  for (let k = 0; k < idx.length; k++) out.set(data.subarray(idx[k] * rowSize, (idx[k] + 1) * rowSize), k * rowSize);
  return out;
}

const like = <A extends Arr | Int32Array>(a: A) => (n: number): A =>
  (a instanceof Int32Array ? new Int32Array(n) : alloc(a instanceof Float64Array ? 'float64' : 'float32', n)) as A;

export function takeBatch(ds: Dataset, idx: ArrayLike<number>): Batch {
  const { x, y } = ds;
  const B = idx.length;
  const lengths = new Int32Array(B);
  for (let k = 0; k < B; k++) lengths[k] = ds.lengths ? ds.lengths[idx[k]] : x.time;
  return {
    x: { ...x, batch: B, data: gatherRows(x.data, x.time * x.features, idx, like(x.data)) },
    y: { ...y, batch: B, data: gatherRows(y.data, y.time * y.features, idx, like(y.data)) },
    lengths,
  };
}

/** Steps [start, start+len) of a batch, for truncated BPTT; lengths are clipped to the window. */
export function timeWindow(batch: Batch, start: number, len: number): Batch {
  const sliceTime = <S extends Seq | Target>(s: S): S => {
    if (s.time === 1 && batch.x.time !== 1) {
      throw new ShapeError('truncated BPTT needs per-step targets; these have one target per sequence');
    }
    const out = like<Arr | Int32Array>(s.data)(s.batch * len * s.features);
    for (let b = 0; b < s.batch; b++) {
      const from = (b * s.time + start) * s.features;
      out.set(s.data.subarray(from, from + len * s.features), b * len * s.features);
    }
    return { ...s, time: len, data: out };
  };
  const lengths = batch.lengths.map((L) => Math.max(0, Math.min(len, L - start)));
  return { x: sliceTime(batch.x), y: sliceTime(batch.y), lengths };
}
