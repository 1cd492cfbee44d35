import * as os from 'os';

/**
 * The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__:
 * { string: string } }, then the raw little-endian tensor bytes (offsets relative to the end of the
 * header). PyTorch users read it with `safetensors.torch.load_file`.
 */
export type SafeDType = 'F64' | 'F32' | 'I32';

export interface SafeTensor {
  name: string;
  dtype: SafeDType;
  shape: number[];
  data: Float64Array | Float32Array | Int32Array;
}

const DTYPE_BYTES: Record<SafeDType, number> = { F64: 8, F32: 4, I32: 4 };
/** Largest header read: names, shapes and metadata, never the tensors. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100e6;

export class SafetensorsError extends Error {}

if (os.endianness() !== 'LE') throw new Error('rnnkit writes tensors as little-endian bytes and needs a little-endian machine');

/**
 * Encodes tensors and string metadata as the chunks of a safetensors file (header, then each
 * tensor's bytes as a view of its array, not a copy). Tensors are laid out 8-byte types first,
 * and the header is padded with spaces, so that every tensor starts aligned to its type.
 */
export function encodeSafetensors(tensors: SafeTensor[], metadata: Record<string, string>): Uint8Array[] {
  const ordered = [...tensors].sort((a, b) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype]);
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of ordered) {
    const bytes = t.data.byteLength;
    if (bytes !== t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype]) throw new SafetensorsError(`tensor ${t.name}: shape ${t.shape.join('x')} does not match its data`);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return [length, json, ...ordered.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
}

export interface DecodedSafetensors {
  metadata: Record<string, string>;
  /** Each tensor's bytes, as a view of the file's bytes (no copy). */
  tensors: Map<string, { dtype: SafeDType; shape: number[]; bytes: Uint8Array }>;
}

/** Whether bytes look like a safetensors file (a plausible header length, then '{'). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = Number(Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64LE(0));
  return n > 0 && n <= bytes.length - 8 && bytes[8] === 0x7b;
}

/**
 * Reads the header and checks, before anything is allocated, that every tensor's shape times
 * its type size equals its byte range and that the ranges lie inside the file.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new SafetensorsError(`too short for a safetensors header (${bytes.length} bytes)`);
  const n = Number(Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64LE(0));
  if (n > bytes.length - 8 || n > MAX_SAFETENSORS_HEADER_BYTES) throw new SafetensorsError(`header of ${n} bytes does not fit the file (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString('utf8'));
  } catch {
    throw new SafetensorsError('the header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('the header is not a JSON object');
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: DecodedSafetensors['tensors'] = new Map();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = t?.dtype as SafeDType;
    if (!(dtype in DTYPE_BYTES)) throw new SafetensorsError(`tensor ${name}: dtype ${JSON.stringify(t?.dtype)} is not supported (F64, F32, I32)`);
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new SafetensorsError(`tensor ${name}: invalid shape`);
    const range = t.data_offsets;
    if (!Array.isArray(range) || range.length !== 2 || !range.every((o) => Number.isSafeInteger(o) && o >= 0)) throw new SafetensorsError(`tensor ${name}: invalid data_offsets`);
    const [begin, end] = range as [number, number];
    const need = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (end - begin !== need) throw new SafetensorsError(`tensor ${name}: shape ${shape.join('x')} ${dtype} needs ${need} bytes, data_offsets give ${end - begin}`);
    if (end > dataBytes) throw new SafetensorsError(`tensor ${name}: its data ends at byte ${end}, past the end of the file (${dataBytes} bytes of tensor data)`);
    tensors.set(name, { dtype, shape: shape as number[], bytes: new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart + begin, need) });
  }
  return { metadata, tensors };
}

/** A typed array of a decoded tensor: a view when its bytes are aligned, else a copy. */
export function tensorValues(t: { dtype: SafeDType; bytes: Uint8Array }): Float64Array | Float32Array | Int32Array {
  const Type = t.dtype === 'F64' ? Float64Array : t.dtype === 'F32' ? Float32Array : Int32Array;
  const aligned = t.bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0;
  const bytes = aligned ? t.bytes : t.bytes.slice();
  return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}
