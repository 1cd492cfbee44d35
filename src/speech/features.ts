import { speechFeatures, type FrontEndOptions } from '../audio/mfcc';

/** Consecutive MFCC frames stacked per model step: 20 ms steps halve the sequence length. */
export const STACK = 2;
export const FEATURE_DIM = 39 * STACK;

/** 16 kHz audio to model input: MFCC+Δ+ΔΔ with CMVN, two frames per step; [steps, 78]. */
export function modelFeatures(signal16k: Float32Array, options: FrontEndOptions = {}): { steps: number; data: Float32Array } {
  return stackFrames(speechFeatures(signal16k, options));
}

/** Front-end frames ([frames, 39], from speechFeatures) to model steps of STACK frames each; [steps, 78]. */
export function stackFrames({ frames, data }: { frames: number; data: Float32Array }): { steps: number; data: Float32Array } {
  const steps = Math.ceil(frames / STACK);
  const out = new Float32Array(steps * FEATURE_DIM);
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < STACK; k++) {
      const f = Math.min(frames - 1, s * STACK + k); // the last step repeats the final frame if needed
      out.set(data.subarray(f * 39, (f + 1) * 39), s * FEATURE_DIM + k * 39);
    }
  }
  return { steps, data: out };
}
