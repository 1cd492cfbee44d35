import { onnx } from 'onnx-proto';

const DT = onnx.TensorProto.DataType;

/** A decoded ONNX initializer or Constant; `values` throws for data types rnnkit cannot use as numbers. */
export interface Tensor {
  readonly name: string;
  readonly dims: number[];
  readonly values: Float32Array;
}

export class TensorError extends Error {}

/** Bytes per value of the data types rnnkit reads; others are refused when a layer uses them. */
const DTYPE_BYTES: Partial<Record<onnx.TensorProto.DataType, number>> = {
  [DT.FLOAT]: 4, [DT.DOUBLE]: 8, [DT.FLOAT16]: 2, [DT.BFLOAT16]: 2, [DT.INT64]: 8, [DT.INT32]: 4,
};

/**
 * Decodes a tensor to float32 after checking, before allocating anything, that its dims are sane,
 * within `maxElements`, and that the data present is exactly dims × dtype size. FLOAT16, BFLOAT16
 * and DOUBLE are converted; NaN or infinite weights are refused (a model of NaNs must not import).
 */
export function decodeTensor(t: onnx.ITensorProto, maxElements: number): Tensor {
  const name = t.name ?? '?';
  const dims = (t.dims ?? []).map(Number);
  const fail = (problem: string) => new TensorError(`tensor '${name}': ${problem}`);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw fail(`invalid dims ${dims.join('x')}`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > maxElements) throw fail(`dims ${dims.join('x')} claim ${n} values, over the limit of ${maxElements} (maxParameters, --max-parameters)`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw fail('its data is in an external file, which rnnkit does not read');
  const dataType = (t.dataType ?? DT.UNDEFINED) as onnx.TensorProto.DataType;
  const size = DTYPE_BYTES[dataType];
  const typeName = DT[dataType] ?? `data type ${dataType}`;
  if (size === undefined) {
    return { name, dims, get values(): Float32Array { throw fail(`data type ${typeName} is not supported (FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT32, INT64)`); } };
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const typed = typedField(t, dataType);
  const present = raw ? raw.length : typed.length * size;
  if (present !== n * size) {
    throw fail(`${typeName} dims ${dims.join('x')} need ${n * size} bytes of data, the file holds ${present}`);
  }
  const values = raw ? fromRaw(raw, dataType, n) : fromTyped(typed, dataType);
  if (dataType !== DT.INT64 && dataType !== DT.INT32) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw fail(`value ${bad} is ${values[bad]} (weights must be finite)`);
  }
  return { name, dims, values };
}

/** The repeated field ONNX uses for a data type when raw_data is empty (FLOAT16/BFLOAT16 bits live in int32_data). */
function typedField(t: onnx.ITensorProto, dataType: onnx.TensorProto.DataType): ArrayLike<number | { toString(): string }> {
  switch (dataType) {
    case DT.FLOAT: return t.floatData ?? [];
    case DT.DOUBLE: return t.doubleData ?? [];
    case DT.INT64: return t.int64Data ?? [];
    default: return t.int32Data ?? [];
  }
}

function fromRaw(raw: Uint8Array, dataType: onnx.TensorProto.DataType, n: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dataType) {
      case DT.FLOAT: out[i] = view.getFloat32(i * 4, true); break;
      case DT.DOUBLE: out[i] = view.getFloat64(i * 8, true); break;
      case DT.FLOAT16: out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
      case DT.BFLOAT16: out[i] = bfloat16ToFloat(view.getUint16(i * 2, true)); break;
      case DT.INT64: out[i] = Number(view.getBigInt64(i * 8, true)); break;
      default: out[i] = view.getInt32(i * 4, true);
    }
  }
  return out;
}

function fromTyped(typed: ArrayLike<number | { toString(): string }>, dataType: onnx.TensorProto.DataType): Float32Array {
  const convert = dataType === DT.FLOAT16 ? (v: number) => halfToFloat(v & 0xffff) : dataType === DT.BFLOAT16 ? (v: number) => bfloat16ToFloat(v & 0xffff) : (v: number) => v;
  return Float32Array.from(Array.prototype.map.call(typed, (v: unknown) => convert(Number(v))) as number[]);
}

/** IEEE 754 half precision bits to a number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
/** The float16 bits nearest to `v` (ties to even; beyond the largest half, infinity). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  if (f32[0] !== v && !Number.isNaN(v)) {
    // A float64 that is no float32: round to odd first (toward zero, lowest bit set), so that rounding to
    // float32 and then to float16 gives the float16 nearest to v rather than rounding twice.
    if (Math.abs(f32[0]) > Math.abs(v)) f32Bits[0] -= 1;
    f32Bits[0] |= 1;
  }
  const x = f32Bits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let bits = mantissa >>> shift;
    if (rest > half || (rest === half && bits & 1)) bits++;
    return sign | bits;
  }
  const rest = mantissa & 0x1fff;
  let bits = (e << 10) | (mantissa >>> 13);
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++; // may carry into the exponent, up to infinity: right
  return sign | bits;
}

const bfloat16Bits = new Uint32Array(1);
const bfloat16Float = new Float32Array(bfloat16Bits.buffer);
/** bfloat16 is the upper half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  bfloat16Bits[0] = bits << 16;
  return bfloat16Float[0];
}
