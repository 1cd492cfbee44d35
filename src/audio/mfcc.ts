import { highpass } from './biquad';
import { resample } from './resample';
import { dereverberate } from './dereverb';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Meyda = require('meyda') as MeydaStatic;

interface MeydaStatic {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
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

/** 13 MFCCs per 10 ms frame of an MFCC.sampleRate signal, with Meyda: returns [frames, 13] row-major. */
export function mfcc(signal: Float32Array): { frames: number; data: Float32Array } {
  Meyda.bufferSize = MFCC.fftSize;
  Meyda.sampleRate = MFCC.sampleRate;
  Meyda.melBands = MFCC.melBands;
  Meyda.numberOfMFCCCoefficients = MFCC.coefficients;
  Meyda.windowingFunction = 'rect'; // the Hamming window is applied to the 400 real samples below
  const frames = frameCount(signal.length);
  const data = new Float32Array(frames * MFCC.coefficients);
  const buffer = new Float32Array(MFCC.fftSize);
  for (let f = 0; f < frames; f++) {
    buffer.fill(0);
    const start = f * MFCC.hop;
    for (let n = 0; n < MFCC.windowLength && start + n < signal.length; n++) {
      buffer[n] = signal[start + n] * hamming[n] * MFCC.inputScale;
    }
    data.set(Meyda.extract('mfcc', buffer), f * MFCC.coefficients);
  }
  return { frames, data };
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

export interface FrontEndOptions {
  /**
   * Remove late reverberation (WPE, src/audio/dereverb.ts) before the MFCCs. Off by default: it helps in
   * reverberant rooms and costs ~7 ms per second of audio (README, transcribe --dereverb).
   */
  dereverberate?: boolean;
  /** Read the clip at 16 kHz × speed (analysisBand); 1 unless a transcriber's speed view (speed-views.ts) asks another. */
  speed?: number;
}

/** The full front end for a 16 kHz signal: telephone band, WPE if asked, MFCC + Δ + ΔΔ, CMVN; [frames, 39]. */
export function speechFeatures(signal16k: Float32Array, { dereverberate: wpe = false, speed = 1 }: FrontEndOptions = {}): { frames: number; data: Float32Array } {
  const band = analysisBand(signal16k, speed);
  const { frames, data } = mfcc(wpe ? dereverberate(band) : band);
  return { frames, data: cmvn(addDeltas(data, frames, MFCC.coefficients), frames, 3 * MFCC.coefficients) };
}
