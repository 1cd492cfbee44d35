import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { frameMeanSquares, percentile } from '../audio/vad';
import type { Rng } from '../core/rng';

/**
 * What a recording channel does to speech, simulated with Debian's sox (apt-get install sox
 * libsox-fmt-all): telephone band and codecs, rooms, microphone colouring and clipping.
 * Every function takes and returns 16 kHz mono samples in [-1, 1].
 */
const RATE = 16000;

/** Runs `sox` from stdin to stdout in the given raw formats. */
function soxPipe(input: Float32Array | Buffer, inFormat: string[], outFormat: string[], effects: string[]): Buffer {
  // -R: repeatable (seeded) dither and the like, so that a seeded corpus is the same every time.
  return execFileSync('sox', ['-V1', '-R', ...inFormat, '-', ...outFormat, '-', ...effects], {
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

const F32 = ['-t', 'f32', '-r', String(RATE), '-c', '1'];

/** Raw float32 samples (a tool's output) as a Float32Array of their own; a trailing partial sample is dropped. */
export function toFloat32(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}

/** Applies sox effects (e.g. ['highpass', '200']) and keeps the length. */
export function soxEffects(x: Float32Array, effects: string[]): Float32Array {
  const y = toFloat32(soxPipe(x, F32, F32, effects));
  return fitLength(y, x.length);
}

/** `y` cut or zero-padded to `n` samples. */
export function fitLength(y: Float32Array, n: number): Float32Array {
  if (y.length === n) return y;
  const out = new Float32Array(n);
  out.set(y.subarray(0, n));
  return out;
}

/** Telephone codecs sox can encode and decode: G.711 μ-law and A-law, GSM 06.10 full rate, AMR narrowband. */
export type TelephoneCodec = 'none' | 'ulaw' | 'alaw' | 'gsm' | 'amr-nb';
const CODEC_TYPE: Record<Exclude<TelephoneCodec, 'none'>, string> = { ulaw: 'ul', alaw: 'al', gsm: 'gsm', 'amr-nb': 'amr-nb' };

/**
 * A telephone line: band-pass (default 300–3400 Hz), 8 kHz, the codec's encode/decode, back
 * to 16 kHz. The codec runs for real (sox writes and reads its bitstream).
 */
export function telephone(x: Float32Array, codec: TelephoneCodec, band: [number, number] = [300, 3400]): Float32Array {
  const line = codec === 'none' ? ['-t', 'f32', '-r', '8000', '-c', '1'] : ['-t', CODEC_TYPE[codec], '-r', '8000', '-c', '1'];
  const encoded = soxPipe(x, F32, line, ['sinc', `${band[0]}-${band[1]}`, 'rate', '8000']);
  return fitLength(toFloat32(soxPipe(encoded, line, F32, [])), x.length);
}

/** sox's reverb (a Freeverb-style algorithm): the room model used in training. */
export function soxReverb(x: Float32Array, reverberance: number, hfDamping: number, roomScale: number, preDelayMs: number): Float32Array {
  return soxEffects(x, ['reverb', String(reverberance), String(hfDamping), String(roomScale), '100', String(preDelayMs)]);
}

/**
 * A measured-style room: convolution with a synthetic impulse response (direct path, then
 * exponentially decaying noise with the given RT60, darker as it decays). A different room
 * model from training's sox reverb, so the test does not reward learning one algorithm.
 */
export function roomImpulseReverb(x: Float32Array, rt60: number, directToReverbDb: number, rng: Rng): Float32Array {
  const n = Math.round(rt60 * RATE);
  const rir = new Float64Array(n);
  let lp = 0;
  let energy = 0;
  for (let i = 1; i < n; i++) {
    const decay = Math.pow(10, (-3 * i) / n); // -60 dB at rt60
    const a = 0.2 + 0.7 * (i / n); // more high-frequency loss later in the tail
    lp = a * lp + (1 - a) * rng.normal();
    rir[i] = lp * decay;
    energy += rir[i] * rir[i];
  }
  const tailGain = Math.pow(10, -directToReverbDb / 20) / Math.sqrt(Math.max(energy, 1e-12));
  for (let i = 1; i < n; i++) rir[i] *= tailGain;
  rir[0] = 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-rir-'));
  try {
    const file = path.join(dir, 'rir.txt');
    // sox's fir takes filters to be linear-phase and advances the output by half their
    // length; n - 1 leading zeros make that advance land on the direct path.
    fs.writeFileSync(file, [...new Array<string>(n - 1).fill('0'), ...Array.from(rir, (v) => v.toPrecision(6))].join('\n'));
    return soxEffects(x, ['fir', file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Hard clipping at `fraction` of the signal's peak (an overdriven microphone input). */
export function clip(x: Float32Array, fraction: number): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const limit = peak * fraction;
  return x.map((v) => Math.max(-limit, Math.min(limit, v)));
}

/**
 * A hard noise gate, as a gated microphone or VoIP silence suppression without comfort noise leaves a recording
 * (16 kHz): 20 ms frames under twice the noise floor (the 10th percentile of the frames' RMS) become exact zeros,
 * unless one of the 2 frames before was open. The floor is the clip's own: over a clip whose tenth of quietest frames
 * is exact zeros the gate changes nothing, and with little noise before and after the speech it can be a weak speech
 * frame (the test condition gates speech with white noise throughout).
 */
export function noiseGate(x: Float32Array): Float32Array {
  const frame = 320;
  // RMS, not frameEnergiesDb's dB: its 1e-20 offset and log10's rounding would move frames at or next to exactly
  // twice the floor (tones, exact zeros around tiny signals) across the threshold.
  const rms = frameMeanSquares(x, frame, frame).map((ms) => Math.sqrt(ms));
  const floor = percentile(rms, 0.1);
  const out = new Float32Array(x.length);
  let hold = 0;
  rms.forEach((r, f) => {
    hold = r > 2 * floor ? 3 : Math.max(0, hold - 1);
    if (hold > 0) out.set(x.subarray(f * frame, (f + 1) * frame), f * frame);
  });
  return out;
}

/** Rounds to 16-bit steps: what a WAV file keeps of a quiet recording. */
export function quantize16(x: Float32Array): Float32Array {
  return x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
}

/** Microphone colouring: band limits and a spectral tilt (bass and treble shelves, dB). */
export function microphone(x: Float32Array, lowCutHz: number, highCutHz: number, bassDb: number, trebleDb: number, peakBoost?: { hz: number; db: number }): Float32Array {
  const effects = ['highpass', String(lowCutHz), 'lowpass', String(highCutHz), 'bass', String(bassDb), 'treble', String(trebleDb)];
  if (peakBoost) effects.push('equalizer', String(peakBoost.hz), '1q', String(peakBoost.db));
  return soxEffects(x, effects);
}

/**
 * Share of training utterances recorded in a room, unless speech:corpus --rooms asks for another. A corpus's manifest
 * records only another share, so changing this one changes what old manifests mean: bump CORPUS_VERSION with it.
 */
export const DEFAULT_ROOM_RATE = 0.35;
/** Of those rooms, the share made by sox's reverb (the rest are random impulse responses): 15 of the default's 35%. */
const SOX_ROOM_SHARE = 0.15 / 0.35;

export type TrainingRoom = 'sox-reverb' | 'impulse-response';

/**
 * Whether a training utterance is recorded in a room (a share `roomRate` of them), and which kind: one draw at every
 * rate, so that another rate keeps the draws before it.
 */
export function drawRoom(rng: Rng, roomRate: number): TrainingRoom | undefined {
  if (!(roomRate >= 0 && roomRate <= 1)) throw new Error(`the share of training utterances in a room lies in [0, 1], not ${roomRate}`);
  const u = rng.next();
  return u < roomRate * SOX_ROOM_SHARE ? 'sox-reverb' : u < roomRate ? 'impulse-response' : undefined;
}

/**
 * The random channel of one training utterance: each stage drawn independently; a room for a share `roomRate` of the
 * utterances. A room's settings are drawn only when there is one, so with another rate the draws after the room's
 * (microphone, clipping, line, level) differ.
 */
export function randomTrainingChannel(x: Float32Array, rng: Rng, roomRate = DEFAULT_ROOM_RATE): Float32Array {
  let y = x;
  // Rooms: sox's reverb, or a random impulse response (RT60 0.15–1 s, direct-to-reverberant −3…12 dB).
  const room = drawRoom(rng, roomRate);
  if (room === 'sox-reverb') y = soxReverb(y, rng.uniform(10, 90), rng.uniform(0, 100), rng.uniform(10, 100), rng.uniform(0, 30));
  else if (room === 'impulse-response') y = roomImpulseReverb(y, rng.uniform(0.15, 1), rng.uniform(-3, 12), rng);
  if (rng.next() < 0.4) {
    y = microphone(y, rng.uniform(40, 400), rng.uniform(3500, 7800), rng.uniform(-12, 8), rng.uniform(-12, 10),
      rng.next() < 0.5 ? { hz: rng.uniform(800, 4000), db: rng.uniform(-8, 10) } : undefined);
  }
  if (rng.next() < 0.1) y = clip(y, rng.uniform(0.2, 0.7));
  if (rng.next() < 0.35) {
    // μ-law and GSM are the test's telephone codecs: training uses A-law, AMR and a clean band.
    const codecs: TelephoneCodec[] = ['none', 'alaw', 'amr-nb'];
    y = telephone(y, codecs[rng.int(codecs.length)], [rng.uniform(150, 450), rng.uniform(3000, 3800)]);
  }
  return y;
}
