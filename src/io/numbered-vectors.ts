import { SafetensorsError, tensorValues, type DecodedSafetensors, type SafeDType, type SafeTensor } from './safetensors';

/**
 * Lists of vectors (optimizer moments, a weight average, best weights) as the tensors
 * `<prefix>.0`, `<prefix>.1`, ... of a safetensors file. The count is not stored by these: the
 * caller keeps it in its metadata, so that a missing last tensor is noticed on reading.
 */
export function numberedVectors(prefix: string, vectors: readonly ArrayLike<number>[], dtype: SafeDType = 'F64'): SafeTensor[] {
  const Type = dtype === 'F64' ? Float64Array : dtype === 'F32' ? Float32Array : Int32Array;
  // No copy of an array of the right type: the file is encoded from views before anything changes them.
  return vectors.map((v, k) => ({ name: `${prefix}.${k}`, dtype, shape: [v.length], data: v instanceof Type ? v : Type.from(v) }));
}

/** Reads back `count` vectors written by numberedVectors, failing on the first tensor missing or of another dtype. */
export function readNumberedVectors(
  tensors: DecodedSafetensors['tensors'],
  prefix: string,
  count: number,
  dtype: SafeDType = 'F64',
  fail: (problem: string) => Error = (problem) => new SafetensorsError(problem),
): ReturnType<typeof tensorValues>[] {
  if (!(Number.isSafeInteger(count) && count >= 0)) throw fail(`no valid count of ${prefix} tensors (${String(count)})`);
  return Array.from({ length: count }, (_, k) => {
    const name = `${prefix}.${k}`;
    const t = tensors.get(name);
    if (!t) throw fail(`tensor ${name} (${dtype}) is missing`);
    if (t.dtype !== dtype) throw fail(`tensor ${name} is ${t.dtype}, expected ${dtype}`);
    return tensorValues(t);
  });
}
