/**
 * Numeric storage. Models run in float32 by default; float64 exists so that
 * finite-difference gradient checks can be tight (rel. error < 1e-6 instead of ~1e-2).
 */
export type DType = 'float32' | 'float64';
export type Arr = Float32Array | Float64Array;

export function alloc(dtype: DType, n: number): Arr {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function fromArray(dtype: DType, values: ArrayLike<number>): Arr {
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

export function dtypeOf(a: Arr): DType {
  return a instanceof Float64Array ? 'float64' : 'float32';
}

/** The arrays one after another in a new Float32Array. */
export function concatFloat32(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
