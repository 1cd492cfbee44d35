import { frameCount, MFCC, windowFrame } from '../../src/audio/mfcc';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Meyda = require('meyda') as {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  extract(feature: 'mfcc', signal: Float32Array): number[];
};

/**
 * The reference for src/audio/mfcc.ts's mfcc(): the front end as it was before it reproduced Meyda's
 * arithmetic itself, calling `Meyda.extract('mfcc', ...)` once per frame (framing and windowing are
 * mfcc()'s own windowFrame, which did not change). mfcc() must equal it bit for bit.
 */
export function meydaMfcc(signal: Float32Array): { frames: number; data: Float32Array } {
  Meyda.bufferSize = MFCC.fftSize;
  Meyda.sampleRate = MFCC.sampleRate;
  Meyda.melBands = MFCC.melBands;
  Meyda.numberOfMFCCCoefficients = MFCC.coefficients;
  Meyda.windowingFunction = 'rect'; // windowFrame applies the Hamming window to the real samples
  const frames = frameCount(signal.length);
  const data = new Float32Array(frames * MFCC.coefficients);
  const buffer = new Float32Array(MFCC.fftSize);
  for (let f = 0; f < frames; f++) data.set(Meyda.extract('mfcc', windowFrame(signal, f, buffer)), f * MFCC.coefficients);
  return { frames, data };
}
