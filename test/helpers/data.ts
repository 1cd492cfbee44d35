import { alloc, type DType } from '../../src/core/dtype';
import { Rng } from '../../src/core/rng';
import type { Seq } from '../../src/core/seq';

export function randomSeq(dtype: DType, batch: number, time: number, features: number, seed = 1): Seq {
  const rng = new Rng(seed);
  const data = alloc(dtype, batch * time * features);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, batch, time, features };
}

export function randomLabels(n: number, classes: number, seed = 2): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(classes));
}
