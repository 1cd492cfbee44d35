import { MFCC } from '../audio/mfcc';
import { STACK } from '../speech/features';
import type { ClipAnalysis } from '../speech/transcriber';
import { WORDS } from '../speech/vocabulary';

/** Points of the waveform sent to the page: enough for a plot as wide as a screen, whatever the clip's length. */
export const WAVEFORM_POINTS = 1000;
const SAMPLE_RATE = 16000;

/** What the page plots; times in seconds, matrices as rows of a Plotly heatmap (z[row][column]). */
export interface AnalysisJson {
  transcript: string;
  seconds: number;
  /** The lowest and highest sample in each of up to WAVEFORM_POINTS equal stretches of the clip. */
  waveform: { pointSeconds: number; min: number[]; max: number[] };
  /** The 13 cepstral coefficients (after mean and variance normalisation): z[coefficient][frame]. */
  mfcc: { frameSeconds: number; z: number[][] };
  /** Class probability per model step: z[class][step]; classes[0] is the CTC blank. */
  posteriors: { stepSeconds: number; classes: string[]; z: number[][] };
  timing: { decodeAudioMs: number; featuresMs: number; modelMs: number; decodeMs: number; totalMs: number };
}

/** The transcriber's analysis of a 16 kHz clip, shaped and rounded for the page. */
export function analysisJson(signal16k: Float32Array, analysis: ClipAnalysis, decodeAudioMs: number): AnalysisJson {
  const { features, posteriors, timing } = analysis;
  const classes = ['(blank)', ...WORDS];
  const frameSeconds = MFCC.hop / MFCC.sampleRate;
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    transcript: analysis.text,
    seconds: signal16k.length / SAMPLE_RATE,
    waveform: envelope(signal16k, WAVEFORM_POINTS),
    mfcc: { frameSeconds, z: columns(features.data, features.frames, 3 * MFCC.coefficients, MFCC.coefficients) },
    posteriors: { stepSeconds: frameSeconds * STACK, classes, z: columns(posteriors.data, posteriors.steps, classes.length, classes.length) },
    timing: {
      decodeAudioMs: ms(decodeAudioMs),
      featuresMs: ms(timing.featuresMs),
      modelMs: ms(timing.modelMs),
      decodeMs: ms(timing.decodeMs),
      totalMs: ms(decodeAudioMs + timing.featuresMs + timing.modelMs + timing.decodeMs),
    },
  };
}

/** Min and max per stretch, so that a downsampled plot still shows every peak. */
function envelope(signal: Float32Array, points: number): AnalysisJson['waveform'] {
  const n = Math.max(1, Math.min(points, signal.length));
  const min: number[] = [];
  const max: number[] = [];
  for (let p = 0; p < n; p++) {
    const from = Math.floor((p * signal.length) / n);
    const to = Math.max(from + 1, Math.floor(((p + 1) * signal.length) / n));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < Math.min(to, signal.length); i++) {
      lo = Math.min(lo, signal[i]);
      hi = Math.max(hi, signal[i]);
    }
    min.push(round(Number.isFinite(lo) ? lo : 0));
    max.push(round(Number.isFinite(hi) ? hi : 0));
  }
  return { pointSeconds: signal.length / n / SAMPLE_RATE, min, max };
}

/** The first `keep` columns of a row-major [rows, width] matrix, transposed: out[column][row]. */
function columns(data: Float32Array, rows: number, width: number, keep: number): number[][] {
  return Array.from({ length: keep }, (_, c) => Array.from({ length: rows }, (_, r) => round(data[r * width + c])));
}

/** Four decimals are more than a plot shows, and keep the JSON small. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
