import { highpass } from './biquad';
import { resample } from './resample';
import { dereverberate as dereverberateSignal, type WpeSettings } from './dereverb';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Meyda = require('meyda') as MeydaStatic;

interface MeydaStatic {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  /** Set by extract(): the triangular filters, [bands][bufferSize / 2 + 1]. */
  melFilterBank?: number[][];
  extract(feature: 'mfcc', signal: Float32Array): number[];
}

/**
 * Speech front-end settings (documented in the README). The analysis runs on telephone-band
 * audio (8 kHz, high-passed at 250 Hz) whatever the input: wideband, telephone and
 * headset recordings then give the model the same kind of features, instead of a model
 * that has learnt the 4–8 kHz band of its training voices and breaks without it.
 */
export const MFCC = {
  sampleRate: 8000,
  /** High-pass corner: below it telephone lines pass nothing, so no input may carry it. */
  highpassHz: 250,
  /** 25 ms analysis window, Hamming-weighted, zero-padded to the FFT size. */
  windowLength: 200,
  /** 10 ms hop. */
  hop: 80,
  fftSize: 256,
  /** 26 bands over 0–4 kHz (the usual count for telephone speech). */
  melBands: 26,
  coefficients: 13,
  /** Samples are scaled to the 16-bit range first: Meyda takes log(1 + energy), which is only log-like for energies well above 1. */
  inputScale: 32768,
} as const;

const hamming = Float32Array.from({ length: MFCC.windowLength }, (_, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (MFCC.windowLength - 1)));

export function frameCount(samples: number): number {
  return samples < MFCC.windowLength ? 1 : 1 + Math.floor((samples - MFCC.windowLength) / MFCC.hop);
}

/**
 * Meyda's MFCC (`Meyda.extract('mfcc', buffer)` with bufferSize MFCC.fftSize, windowingFunction 'rect'),
 * reproduced operation for operation so that the result is bit-identical, without Meyda's per-frame
 * allocations (test/speech-frontend.test.ts checks it against Meyda.extract itself):
 * - its FFT (fftjs's radix-2, bundled in Meyda) keeps the real parts in a Float32Array (a copy of the
 *   input buffer, so every butterfly's real result is rounded to float32) and the imaginary parts in a
 *   plain array of doubles, with twiddles cos/sin(-2πk/N);
 * - amplitude = float32(sqrt(re² + im²)) and power = float32(amplitude²) for the first fftSize/2 bins;
 * - each mel band sums float32(weight × power) in a float32 accumulator over bins 0…fftSize/2 - 1,
 *   then float32(log(sum + 1));
 * - the DCT (npm `dct`, scale 2) sums band × cos(π/N (n + ½) k) in doubles; the first 13 are kept.
 * The filter bank is Meyda's own (Meyda.melFilterBank). Bins outside a filter's triangle are skipped:
 * they add float32(0 × power) = +0 to a non-negative sum, which changes nothing unless the power is
 * infinite or NaN, so a frame with such a power takes every bin as Meyda does.
 */
class MeydaMfcc {
  private readonly n = MFCC.fftSize;
  private readonly bins = MFCC.fftSize / 2;
  private readonly bands: number;
  private readonly reversed = new Int32Array(MFCC.fftSize);
  /** Twiddles per stage, stage s (span 2^s) at offset 2^(s-1) - 1, k < 2^(s-1). */
  private readonly twiddleRe = new Float64Array(MFCC.fftSize);
  private readonly twiddleIm = new Float64Array(MFCC.fftSize);
  /** Filter weights [bands][bins] and each filter's non-zero range [from, to). */
  private readonly weights: Float64Array;
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  /** DCT cosines [coefficients][bands]. */
  private readonly cosines: Float64Array;
  private readonly re = new Float32Array(MFCC.fftSize);
  private readonly im = new Float64Array(MFCC.fftSize);
  private readonly power = new Float32Array(MFCC.fftSize / 2);
  private readonly logMel: Float32Array;

  constructor() {
    const n = this.n;
    // Meyda builds its filter bank on the first extract() with these settings: take that one.
    Meyda.bufferSize = n;
    Meyda.sampleRate = MFCC.sampleRate;
    Meyda.melBands = MFCC.melBands;
    Meyda.numberOfMFCCCoefficients = MFCC.coefficients;
    Meyda.windowingFunction = 'rect';
    Meyda.extract('mfcc', new Float32Array(n));
    const bank = Meyda.melFilterBank;
    if (!bank || bank.length !== MFCC.melBands) throw new Error('Meyda did not build its mel filter bank');
    this.bands = bank.length;
    this.weights = new Float64Array(this.bands * this.bins);
    this.from = new Int32Array(this.bands);
    this.to = new Int32Array(this.bands);
    for (let b = 0; b < this.bands; b++) {
      let from = this.bins;
      let to = 0;
      for (let j = 0; j < this.bins; j++) {
        const w = bank[b][j];
        this.weights[b * this.bins + j] = w;
        if (!(w === 0 && 1 / w > 0)) {
          from = Math.min(from, j);
          to = j + 1;
        }
      }
      this.from[b] = from;
      this.to[b] = Math.max(from, to);
    }
    this.logMel = new Float32Array(this.bands);
    // fftjs: bit reversal of log2(n)-digit indices, twiddle e^(-2πik/N) for span N
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
    for (let s = 1; s <= bits; s++) {
      const span = Math.pow(2, s);
      for (let k = 0; k < span / 2; k++) {
        const x = (-2 * Math.PI * k) / span;
        this.twiddleRe[span / 2 - 1 + k] = Math.cos(x);
        this.twiddleIm[span / 2 - 1 + k] = Math.sin(x);
      }
    }
    // dct: cos(PI_N * (n + 0.5) * k) with PI_N = π / N
    this.cosines = new Float64Array(MFCC.coefficients * this.bands);
    for (let k = 0; k < MFCC.coefficients; k++) {
      for (let j = 0; j < this.bands; j++) this.cosines[k * this.bands + j] = dctCosine(k, j, this.bands);
    }
  }

  /** The MFCCs of one fftSize buffer into out[at, at + coefficients), as Meyda.extract('mfcc', buffer) gives them. */
  extract(buffer: Float32Array, out: Float32Array, at: number): void {
    const { n, bins, bands, re, im, power, logMel, weights, cosines } = this;
    for (let i = 0; i < n; i++) {
      re[this.reversed[i]] = buffer[i];
      im[i] = 0;
    }
    for (let half = 1; half < n; half *= 2) {
      const span = 2 * half;
      for (let k = 0; k < half; k++) {
        const wr = this.twiddleRe[half - 1 + k];
        const wi = this.twiddleIm[half - 1 + k];
        for (let even = k; even < n; even += span) {
          const odd = even + half;
          const oddRe = re[odd];
          const oddIm = im[odd];
          const tRe = wr * oddRe - wi * oddIm;
          const tIm = wr * oddIm + wi * oddRe;
          const evenRe = re[even];
          const evenIm = im[even];
          re[odd] = evenRe - tRe;
          im[odd] = evenIm - tIm;
          re[even] = tRe + evenRe;
          im[even] = tIm + evenIm;
        }
      }
    }
    let finite = true;
    for (let i = 0; i < bins; i++) {
      const amplitude = Math.fround(Math.sqrt(Math.pow(re[i], 2) + Math.pow(im[i], 2)));
      power[i] = Math.pow(amplitude, 2);
      if (!Number.isFinite(power[i])) finite = false;
    }
    for (let b = 0; b < bands; b++) {
      const row = b * bins;
      const from = finite ? this.from[b] : 0;
      const to = finite ? this.to[b] : bins;
      let sum = 0;
      for (let j = from; j < to; j++) sum = Math.fround(sum + Math.fround(weights[row + j] * power[j]));
      logMel[b] = Math.log(sum + 1);
    }
    for (let k = 0; k < MFCC.coefficients; k++) {
      const row = k * bands;
      let sum = 0;
      for (let j = 0; j < bands; j++) sum = sum + logMel[j] * cosines[row + j];
      out[at + k] = 2 * sum;
    }
  }
}

/** The DCT's basis (npm `dct`, as Meyda computes it): cos(π/N (j + ½) k) for coefficient k of band j of N. */
export function dctCosine(k: number, j: number, bands: number): number {
  return Math.cos((Math.PI / bands) * (j + 0.5) * k);
}

let meydaMfcc: MeydaMfcc | undefined;

/**
 * 13 MFCCs per 10 ms frame of an MFCC.sampleRate signal: Meyda's MFCC (reproduced by MeydaMfcc, bit for bit)
 * of each Hamming-windowed, zero-padded frame; returns [frames, 13] row-major.
 */
export function mfcc(signal: Float32Array): { frames: number; data: Float32Array } {
  meydaMfcc ??= new MeydaMfcc();
  const frames = frameCount(signal.length);
  const data = new Float32Array(frames * MFCC.coefficients);
  const buffer = new Float32Array(MFCC.fftSize);
  for (let f = 0; f < frames; f++) meydaMfcc.extract(windowFrame(signal, f, buffer), data, f * MFCC.coefficients);
  return { frames, data };
}

/** Frame f of the signal as the MFCC analysis takes it: Hamming-windowed, scaled to the 16-bit range, zero-padded into buffer (MFCC.fftSize). */
export function windowFrame(signal: Float32Array, f: number, buffer: Float32Array): Float32Array {
  buffer.fill(0);
  const start = f * MFCC.hop;
  for (let n = 0; n < MFCC.windowLength && start + n < signal.length; n++) {
    buffer[n] = signal[start + n] * hamming[n] * MFCC.inputScale;
  }
  return buffer;
}

/**
 * Appends deltas and delta-deltas (regression over ±2 frames, edges repeated):
 * [frames, d] -> [frames, 3d].
 */
export function addDeltas(data: Float32Array, frames: number, d: number): Float32Array {
  const delta = regression(data, frames, d);
  const delta2 = regression(delta, frames, d);
  const out = new Float32Array(frames * 3 * d);
  for (let f = 0; f < frames; f++) {
    out.set(data.subarray(f * d, (f + 1) * d), f * 3 * d);
    out.set(delta.subarray(f * d, (f + 1) * d), f * 3 * d + d);
    out.set(delta2.subarray(f * d, (f + 1) * d), f * 3 * d + 2 * d);
  }
  return out;
}

function regression(data: Float32Array, frames: number, d: number): Float32Array {
  const out = new Float32Array(frames * d);
  const at = (f: number, k: number) => data[Math.min(frames - 1, Math.max(0, f)) * d + k];
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < d; k++) out[f * d + k] = (at(f + 1, k) - at(f - 1, k) + 2 * (at(f + 2, k) - at(f - 2, k))) / 10;
  }
  return out;
}

/** Per-utterance cepstral mean and variance normalisation, in place. */
export function cmvn(data: Float32Array, frames: number, d: number): Float32Array {
  for (let k = 0; k < d; k++) {
    let mean = 0;
    for (let f = 0; f < frames; f++) mean += data[f * d + k];
    mean /= frames;
    let v = 0;
    for (let f = 0; f < frames; f++) v += (data[f * d + k] - mean) ** 2;
    const std = Math.sqrt(v / frames) || 1;
    for (let f = 0; f < frames; f++) data[f * d + k] = (data[f * d + k] - mean) / std;
  }
  return data;
}

/**
 * A 16 kHz signal as the MFCC analysis takes it: resampled to 8 kHz and high-passed. With a `speed`
 * other than 1 the samples are read as if recorded at 16 kHz × speed: the speech plays that much
 * faster, its pitch and formants move up with it (training's speed perturbation, corpus.ts).
 */
export function analysisBand(signal16k: Float32Array, speed = 1): Float32Array {
  return highpass(resample(signal16k, 16000 * speed, MFCC.sampleRate), MFCC.highpassHz, MFCC.sampleRate);
}

/**
 * WPE for the front end, on the 16 kHz clip before any speed view reads it (so once per clip, not once per view): 32 ms
 * frames every 8 ms, 10 taps after 24 ms, two passes (nara_wpe's taps and delay), over 0–5 kHz only. The slowest view
 * a transcriber takes (WPE_SLOWEST_VIEW) passes up to 0.95 × 4 kHz / 0.85 = 4.47 kHz of the clip, and its resampler's
 * transition band ends below 5 kHz (a 5 kHz tone comes through 77 dB down; test/dereverb.test.ts).
 */
export const FRONT_END_WPE: WpeSettings = { fftSize: 512, hop: 128, taps: 10, delay: 3, iterations: 2, bins: 161 };
/** The slowest speed view that reads only FRONT_END_WPE's bins (speed-views.ts's lowest speed). */
export const WPE_SLOWEST_VIEW = 0.85;

/** The 16 kHz signal every view of the front end reads: the clip through WPE when `dereverberate` asks, else the clip. */
export function heardSignal(signal16k: Float32Array, dereverberate: boolean): Float32Array {
  return dereverberate ? dereverberateSignal(signal16k, FRONT_END_WPE) : signal16k;
}

export interface FrontEndOptions {
  /**
   * Remove late reverberation (WPE, src/audio/dereverb.ts; heardSignal) before the MFCCs. Off by default: it helps in
   * reverberant rooms, costs elsewhere, and takes ~9 ms per second of audio (README, transcribe --dereverb).
   */
  dereverberate?: boolean;
  /** Read the clip at 16 kHz × speed (analysisBand); 1 unless a transcriber's speed view (speed-views.ts) asks another. */
  speed?: number;
}

/** The full front end for a 16 kHz signal: WPE if asked (heardSignal), the telephone band, MFCC + Δ + ΔΔ, CMVN; [frames, 39]. */
export function speechFeatures(signal16k: Float32Array, { dereverberate: wpe = false, speed = 1 }: FrontEndOptions = {}): { frames: number; data: Float32Array } {
  if (wpe && !(speed >= WPE_SLOWEST_VIEW)) throw new RangeError(`a view read at speed ${speed} reads more of the clip than WPE dereverberates (views from ${WPE_SLOWEST_VIEW} on)`);
  const { frames, data } = mfcc(analysisBand(heardSignal(signal16k, wpe), speed));
  return { frames, data: cmvn(addDeltas(data, frames, MFCC.coefficients), frames, 3 * MFCC.coefficients) };
}
