import { readBytes } from '../io/read-file';
import { AudioError } from './audio-error';
import { MAX_AUDIO_SECONDS, MAX_WAV_BYTES, tooLongProblem } from './limits';
// G.711 (telephone) expansion from alawmulaw; wav-decoder only does PCM and float.
import { alaw, mulaw } from 'alawmulaw';
// wav-decoder does the sample conversion; the header checks here come first so that
// every malformed file gets a WavError that says what is wrong, instead of a crash
// deep inside the decoder (it trusts sizes and chunk order).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const wavDecoder: { decode: { sync(buffer: ArrayBuffer): DecodedWav } } = require('wav-decoder');

interface DecodedWav {
  sampleRate: number;
  channelData: Float32Array[];
}

export interface Audio {
  sampleRate: number;
  /** One Float32Array per channel, samples in [-1, 1]. */
  channels: Float32Array[];
}

export class WavError extends AudioError {}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = { 2: 'Microsoft ADPCM', 0x11: 'IMA ADPCM', 0x55: 'MP3' };
/** Bit depths each supported encoding allows. */
const FORMAT_BITS: Record<number, { name: string; bits: number[] }> = {
  [FORMAT_PCM]: { name: 'PCM', bits: [8, 16, 24, 32] },
  [FORMAT_FLOAT]: { name: 'float', bits: [32, 64] },
  [FORMAT_ALAW]: { name: 'A-law', bits: [8] },
  [FORMAT_MULAW]: { name: 'μ-law', bits: [8] },
};
export const MIN_SAMPLE_RATE = 4000;
export const MAX_SAMPLE_RATE = 384000;
export const MAX_CHANNELS = 8;
/** Chunk ids seen in WAV files in the wild (for finding the next chunk after a missing pad byte). */
const COMMON_CHUNK_IDS = new Set(['fmt ', 'data', 'LIST', 'fact', 'cue ', 'bext', 'id3 ', 'ID3 ', 'smpl', 'inst', 'PEAK', 'JUNK', 'junk', 'iXML', 'acid', 'plst', 'labl', 'note', 'ltxt']);
/** Frames converted per wav-decoder call. */
const BLOCK_FRAMES = 1 << 20;

interface Chunk {
  id: string;
  start: number;
  size: number;
}

/**
 * Decodes a RIFF/WAVE file: 8/16/24/32-bit PCM, 32/64-bit float or 8-bit G.711 A-law/μ-law
 * (also as WAVE_FORMAT_EXTENSIBLE sub-formats), 1–8 channels, up to `maxSeconds` long
 * (checked from the header, before any sample is converted).
 */
export function decodeWav(bytes: Uint8Array, file = '<wav>', maxSeconds = MAX_AUDIO_SECONDS): Audio {
  const fail = (problem: string): never => {
    throw new WavError(file, problem);
  };
  if (bytes.length === 0) fail('empty file');
  if (bytes.length < 12) fail(`too short for a WAV header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') fail(`not a WAV file (starts with "${tag(0).replace(/[^\x20-\x7e]/g, '?')}", expected RIFF....WAVE)`);

  const chunks = listChunks(bytes, view, tag);
  const fmt = chunks.find((c) => c.id === 'fmt ');
  const data = chunks.find((c) => c.id === 'data');
  if (!fmt && data && data.start + data.size > bytes.length) fail(`truncated: the data chunk declares ${data.size} bytes, the file holds ${bytes.length - data.start} (and no "fmt " chunk was found before it)`);
  if (!fmt) fail('no "fmt " chunk (corrupt or truncated header)');
  if (!data) fail('no "data" chunk (corrupt or truncated file)');
  if (fmt!.size < 16 || fmt!.start + 16 > bytes.length) fail(`"fmt " chunk too short (${fmt!.size} bytes)`);

  const f = fmt!.start;
  let format = view.getUint16(f, true);
  const channels = view.getUint16(f + 2, true);
  const sampleRate = view.getUint32(f + 4, true);
  const blockAlign = view.getUint16(f + 12, true);
  const bits = view.getUint16(f + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (fmt!.size < 40 || f + 26 > bytes.length) fail('WAVE_FORMAT_EXTENSIBLE header too short');
    format = view.getUint16(f + 24, true); // first two bytes of the sub-format GUID
  }
  const encoding = FORMAT_BITS[format];
  if (!encoding) fail(`unsupported encoding ${FORMAT_NAMES[format] ?? `0x${format.toString(16)}`} (only PCM, IEEE float, A-law and μ-law)`);
  if (channels < 1 || channels > MAX_CHANNELS) fail(`unsupported channel count ${channels} (1 to ${MAX_CHANNELS})`);
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) fail(`unsupported sample rate ${sampleRate} Hz (${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE})`);
  if (!encoding.bits.includes(bits)) fail(`unsupported ${encoding.name} bit depth ${bits}`);
  if (blockAlign !== (channels * bits) / 8) fail(`inconsistent block size ${blockAlign} for ${channels} channel(s) of ${bits} bits`);
  const available = bytes.length - data!.start;
  if (data!.size > available) fail(`truncated: the data chunk declares ${data!.size} bytes, the file holds ${available}`);
  const frames = Math.floor(data!.size / blockAlign);
  if (frames === 0) fail('no audio samples (empty data chunk)');
  if (frames / sampleRate > maxSeconds) fail(tooLongProblem(frames / sampleRate, maxSeconds));

  const samples = bytes.subarray(data!.start, data!.start + frames * blockAlign);
  if (format === FORMAT_ALAW || format === FORMAT_MULAW) return { sampleRate, channels: expandG711(samples, format === FORMAT_ALAW ? alaw : mulaw, channels) };
  // Hand wav-decoder clean blocks: header with the plain format code, then exactly that much data.
  // Blocks keep the temporary copies small next to an hour of output.
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let first = 0; first < frames; first += BLOCK_FRAMES) {
    const block = samples.subarray(first * blockAlign, Math.min(frames, first + BLOCK_FRAMES) * blockAlign);
    const clean = new Uint8Array(44 + block.length);
    writeHeader(clean, format, channels, sampleRate, bits, block.length);
    clean.set(block, 44);
    wavDecoder.decode.sync(clean.buffer).channelData.forEach((ch, c) => {
      for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) fail(`sample ${first + i} is ${ch[i]} (corrupt float data)`);
      out[c].set(ch, first);
    });
  }
  return { sampleRate, channels: out };
}

/**
 * The chunks of a RIFF file, in any order (some writers put "data" before "fmt "). Chunks are
 * padded to even sizes, but some writers leave the pad byte out: after an odd-sized chunk the
 * unpadded position is used when it holds a well-known chunk id and the padded one does not, or
 * when only it holds a plausible chunk header (a printable id and a size that fits the file, or
 * "data", which may be truncated). A chunk running past the end of the file ends the list.
 */
function listChunks(bytes: Uint8Array, view: DataView, tag: (at: number) => string): Chunk[] {
  const isChunkId = (at: number) =>
    at + 8 <= bytes.length && /^[\x20-\x7e]{4}$/.test(tag(at)) && (tag(at) === 'data' || at + 8 + view.getUint32(at + 4, true) <= bytes.length);
  const chunks: Chunk[] = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    const chunk = { id: tag(at), start: at + 8, size: view.getUint32(at + 4, true) };
    chunks.push(chunk);
    const end = chunk.start + chunk.size;
    if (end >= bytes.length) break;
    at = end + (chunk.size % 2);
    const known = (p: number) => p + 8 <= bytes.length && COMMON_CHUNK_IDS.has(tag(p));
    if (chunk.size % 2 === 1 && ((known(end) && !known(at)) || (!isChunkId(at) && isChunkId(end)))) at = end;
  }
  return chunks;
}

/** Expands interleaved 8-bit G.711 codes into one [-1, 1) channel each; every code is a valid sample. */
function expandG711(codes: Uint8Array, codec: { decode(samples: Uint8Array): Int16Array }, channels: number): Float32Array[] {
  const pcm = codec.decode(codes);
  const frames = pcm.length / channels;
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => pcm[i * channels + c] / 32768));
}

export function readWav(file: string): Audio {
  return decodeWav(readBytes(file, (problem) => new WavError(file, problem), MAX_WAV_BYTES), file);
}

/** Averages the channels into one. */
export function toMono(audio: Audio): Float32Array {
  const [first, ...rest] = audio.channels;
  if (rest.length === 0) return first;
  const out = new Float32Array(first.length);
  for (const ch of audio.channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / audio.channels.length;
  return out;
}

/** Encodes mono or multi-channel audio as a 16-bit PCM (or 32-bit float) WAV file. */
export function encodeWav(audio: Audio, encoding: 'pcm16' | 'float32' = 'pcm16'): Uint8Array {
  const C = audio.channels.length;
  const n = audio.channels[0].length;
  const bytesPer = encoding === 'pcm16' ? 2 : 4;
  const buf = new Uint8Array(44 + n * C * bytesPer);
  const v = new DataView(buf.buffer);
  writeHeader(buf, encoding === 'pcm16' ? FORMAT_PCM : FORMAT_FLOAT, C, audio.sampleRate, bytesPer * 8, n * C * bytesPer);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const s = Math.max(-1, Math.min(1, audio.channels[c][i]));
      const at = 44 + (i * C + c) * bytesPer;
      if (encoding === 'pcm16') v.setInt16(at, Math.round(s * 32767), true);
      else v.setFloat32(at, audio.channels[c][i], true);
    }
  }
  return buf;
}

/** The canonical 44-byte header: RIFF, WAVE, a 16-byte "fmt " chunk, then the "data" chunk header. */
function writeHeader(buf: Uint8Array, format: number, channels: number, sampleRate: number, bits: number, dataBytes: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset, 44);
  const ascii = (at: number, s: string) => [...s].forEach((ch, i) => (buf[at + i] = ch.charCodeAt(0)));
  const blockAlign = (channels * bits) / 8;
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVEfmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
}
