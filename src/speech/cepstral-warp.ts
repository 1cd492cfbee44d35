import type { Rng } from '../core/rng';
import type { Batch } from '../train/dataset';
import { dctCosine, MFCC } from '../audio/mfcc';
import { FEATURE_DIM, STACK } from './features';

/**
 * Speaker perturbation of training batches in the feature domain (train:speech --warp): each utterance's
 * log-mel spectrum is read along a random smooth, monotone warp of its frequency axis, so that formants move
 * by different ratios (a resampled or vocoded voice moves them all by one). On an unheard speaker of the speaker
 * hold-out's kind (flite slt, for a member trained without that speaker) it gave 79.3% of the command words and
 * 7.96% digit WER against 75.8% and 8.42% without (one seed each; README, "The cepstral warp"). The warp is
 * linear on the log-mel bands, hence a 13×13 matrix on the cepstra: the DCT of the warped bands of the inverse
 * DCT. The features are stored after CMVN, so the cepstra are rescaled by a typical standard deviation of each
 * coefficient before the warp and back after, and each dimension is normalised again over the utterance.
 */

const BANDS = MFCC.melBands;
const CEPSTRA = MFCC.coefficients;

/** The front end's DCT (Meyda's, scale 2; mfcc.ts) from BANDS log-mel values to CEPSTRA coefficients. */
const DCT = Array.from({ length: CEPSTRA }, (_, k) => Array.from({ length: BANDS }, (_, j) => 2 * dctCosine(k, j, BANDS)));
/** Its inverse on the kept coefficients: the smooth log-mel spectrum the cepstra describe. */
const INVERSE_DCT = Array.from({ length: BANDS }, (_, j) =>
  Array.from({ length: CEPSTRA }, (_, k) => (dctCosine(k, j, BANDS) * (k === 0 ? 1 : 2)) / (2 * BANDS)));

/**
 * Standard deviation of each of the 39 front-end values (13 cepstra, their Δ, their ΔΔ) before CMVN: the root mean
 * square over the seven sample clips (audio/*.wav) of each clip's own; test/cepstral-warp.test.ts computes it again.
 */
export const TYPICAL_FEATURE_STD: readonly number[] = [
  335.75250191291457, 25.921622432814733, 28.23056771499019, 28.68592113272444, 27.83849063016213, 17.65939001845604,
  14.35889977593445, 11.790506165867876, 9.88969873803465, 7.6861152498001335, 7.668340105042762, 7.183124678277615,
  6.673557651891978, 42.78419786387261, 6.436027970994227, 6.728955591711384, 5.3645334532659055, 6.094698008164021,
  4.470149357467718, 3.5888069202866384, 3.186846742854786, 2.7812797592694785, 2.428604257850347, 2.2218630811142788,
  2.1787316106235806, 1.933336811878425, 16.356217671113995, 2.6151388872221792, 2.5269472025774884, 2.1334346728675935,
  2.409656665450077, 1.8837531262855205, 1.4776653360379255, 1.3457569777662874, 1.19945692129376, 1.0835268882337603,
  0.9472708394476106, 0.9562500734971775, 0.8549167714703144,
];

/**
 * The cepstral matrix (CEPSTRA × CEPSTRA, row-major) of a warp of the log-mel axis: band j takes the value at
 * `warp(j / (BANDS - 1)) · (BANDS - 1)` (linear interpolation between bands, clamped to the ends). `warp` maps
 * [0, 1] onto itself; the identity gives the identity matrix.
 */
export function warpMatrix(warp: (u: number) => number): Float64Array {
  const W = Array.from({ length: BANDS }, () => new Float64Array(BANDS));
  for (let j = 0; j < BANDS; j++) {
    const from = Math.min(BANDS - 1, Math.max(0, warp(j / (BANDS - 1)) * (BANDS - 1)));
    const lo = Math.floor(from);
    const hi = Math.min(BANDS - 1, lo + 1);
    W[j][lo] += 1 - (from - lo);
    W[j][hi] += from - lo;
  }
  // The warped smooth spectrum of each cepstral basis vector (W · inverse DCT), then its DCT.
  const warped = Array.from({ length: BANDS }, (_, j) => Array.from({ length: CEPSTRA }, (_, b) => {
    let t = 0;
    for (let i = 0; i < BANDS; i++) t += W[j][i] * INVERSE_DCT[i][b];
    return t;
  }));
  const M = new Float64Array(CEPSTRA * CEPSTRA);
  for (let a = 0; a < CEPSTRA; a++) {
    for (let b = 0; b < CEPSTRA; b++) {
      let sum = 0;
      for (let j = 0; j < BANDS; j++) sum += DCT[a][j] * warped[j][b];
      M[a * CEPSTRA + b] = sum;
    }
  }
  return M;
}

/**
 * The warp of one utterance: u + a₁·sin(πu)/π + a₂·sin(2πu)/(2π), with a₁ in ±strength and a₂ in ±strength/2 (two
 * draws of `rng`). The ends stay; a positive a₁ reads every band from a higher one, moving formants down (a longer
 * vocal tract), a₂ moves the low and the high half against each other. Monotone for strength < 2/3.
 */
export function randomWarp(rng: Rng, strength: number): (u: number) => number {
  const a1 = rng.uniform(-strength, strength);
  const a2 = rng.uniform(-strength / 2, strength / 2);
  return (u) => u + (a1 * Math.sin(Math.PI * u)) / Math.PI + (a2 * Math.sin(2 * Math.PI * u)) / (2 * Math.PI);
}

/** The largest strength accepted: the warp must stay monotone (|a₁| + |a₂| < 1). */
export const MAX_WARP_STRENGTH = 0.6;

/**
 * Warps every utterance of a training batch in place (randomWarp per utterance, the same on all its steps), on the
 * static, Δ and ΔΔ cepstra of each stacked frame, then normalises each dimension over the utterance's steps again;
 * padded steps stay as they are.
 */
export function warpBatch(batch: Pick<Batch, 'x' | 'lengths'>, rng: Rng, strength: number): void {
  if (!(strength > 0 && strength <= MAX_WARP_STRENGTH)) throw new Error(`the warp's strength lies in (0, ${MAX_WARP_STRENGTH}], not ${strength}`);
  const { data, time: T, features: F } = batch.x;
  if (F !== FEATURE_DIM) throw new Error(`warpBatch expects ${FEATURE_DIM} features per step, got ${F}`);
  const s = TYPICAL_FEATURE_STD;
  const warped = new Float64Array(CEPSTRA);
  for (let b = 0; b < batch.x.batch; b++) {
    const len = batch.lengths[b];
    const M = warpMatrix(randomWarp(rng, strength));
    for (let t = 0; t < len; t++) {
      for (let block = 0; block < 3 * STACK; block++) {
        const at = (b * T + t) * F + block * CEPSTRA;
        const std = (block % 3) * CEPSTRA; // static, Δ or ΔΔ
        for (let a = 0; a < CEPSTRA; a++) {
          let v = 0;
          for (let c = 0; c < CEPSTRA; c++) v += M[a * CEPSTRA + c] * s[std + c] * data[at + c];
          warped[a] = v / s[std + a];
        }
        for (let a = 0; a < CEPSTRA; a++) data[at + a] = warped[a];
      }
    }
    normaliseSteps(data, b * T, len, F);
  }
}

/**
 * Zero mean and unit variance of each of the F dimensions over `len` steps from step `first`. (The front end's CMVN
 * normalises each of the 39 values over all frames before two frames are stacked into a step; this normalises each
 * stacked slot over its own frames, the last one repeated when the frames are odd: nearly the same statistics.)
 */
function normaliseSteps(data: Float32Array | Float64Array, first: number, len: number, F: number): void {
  for (let f = 0; f < F; f++) {
    let mean = 0;
    for (let t = 0; t < len; t++) mean += data[(first + t) * F + f];
    mean /= Math.max(1, len);
    let v = 0;
    for (let t = 0; t < len; t++) v += (data[(first + t) * F + f] - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, len)) || 1;
    for (let t = 0; t < len; t++) data[(first + t) * F + f] = (data[(first + t) * F + f] - mean) / sd;
  }
}
