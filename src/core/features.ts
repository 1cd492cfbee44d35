import { alloc, type Arr, type DType } from './dtype';

/** Concatenates D blocks of H features per row: D arrays [rows, H] -> [rows, D*H]. */
export function concatFeatures(parts: Arr[], rows: number, H: number, dtype: DType): Arr {
  const D = parts.length;
  const out = alloc(dtype, rows * D * H);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < D; i++) out.set(parts[i].subarray(r * H, (r + 1) * H), r * D * H + i * H);
  }
  return out;
}

/** Takes block i of D from [rows, D*H] rows. */
export function splitFeatures(data: Arr, rows: number, H: number, D: number, i: number, dtype: DType): Arr {
  const out = alloc(dtype, rows * H);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * D * H + i * H, r * D * H + (i + 1) * H), r * H);
  return out;
}
