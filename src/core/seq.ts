import { alloc, type Arr, type DType } from './dtype';

/** A batch of sequences, batch-first: data[(b * time + t) * features + f]. */
export interface Seq {
  data: Arr;
  batch: number;
  time: number;
  features: number;
}

export function zerosSeq(dtype: DType, batch: number, time: number, features: number): Seq {
  return { data: alloc(dtype, batch * time * features), batch, time, features };
}

/** Per-sequence valid lengths; undefined means every sequence uses all `time` steps. */
export type Lengths = Int32Array | undefined;

export function resolveLengths(lengths: ArrayLike<number> | undefined, batch: number, time: number): Int32Array {
  const out = new Int32Array(batch);
  if (lengths === undefined) {
    out.fill(time);
    return out;
  }
  if (lengths.length !== batch) {
    throw new ShapeError(`lengths has ${lengths.length} entries but the batch has ${batch} sequences`);
  }
  for (let b = 0; b < batch; b++) {
    const L = lengths[b];
    if (!Number.isInteger(L) || L < 0 || L > time) {
      throw new ShapeError(`lengths[${b}] = ${L} is not an integer in [0, ${time}]`);
    }
    out[b] = L;
  }
  return out;
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function expectFeatures(where: string, x: Seq, features: number): void {
  if (x.features !== features) {
    throw new ShapeError(`${where} expects ${features} input features per step, got ${x.features}`);
  }
  if (x.data.length !== x.batch * x.time * x.features) {
    throw new ShapeError(
      `${where}: data length ${x.data.length} does not match batch ${x.batch} x time ${x.time} x features ${x.features}`,
    );
  }
}
