import type { Rng } from '../core/rng';
import type { Batch } from '../train/dataset';
import { FEATURE_DIM, STACK } from './features';

/** Coefficients per MFCC block (13 cepstra, then their Δ and ΔΔ, for each stacked frame). */
const CEPSTRA = FEATURE_DIM / STACK / 3;

/**
 * SpecAugment-style masking for training batches, in place (features are CMVN-normalised,
 * so a masked value is set to the mean, 0):
 * - time masks: up to `timeMasks` runs of at most `maxTime` steps per utterance;
 * - cepstral masks: up to `cepstralMasks` runs of at most `maxCepstra` coefficients,
 *   masked in every block (static, Δ, ΔΔ of every stacked frame) over the whole utterance.
 * The model then cannot lean on one stretch of time or one part of the spectral envelope.
 */
export function maskBatch(batch: Batch, rng: Rng, timeMasks = 2, maxTime = 5, cepstralMasks = 2, maxCepstra = 3): void {
  const { data, time: T, features: F } = batch.x;
  if (F !== FEATURE_DIM) throw new Error(`maskBatch expects ${FEATURE_DIM} features per step, got ${F}`);
  for (let b = 0; b < batch.x.batch; b++) {
    const len = batch.lengths ? batch.lengths[b] : T;
    for (let m = 0; m < timeMasks; m++) {
      const w = rng.int(maxTime + 1);
      if (w === 0 || len <= w) continue;
      const t0 = rng.int(len - w);
      data.fill(0, (b * T + t0) * F, (b * T + t0 + w) * F);
    }
    for (let m = 0; m < cepstralMasks; m++) {
      const w = rng.int(maxCepstra + 1);
      if (w === 0) continue;
      const c0 = rng.int(CEPSTRA - w + 1);
      for (let t = 0; t < len; t++) {
        for (let block = 0; block < 3 * STACK; block++) {
          const at = (b * T + t) * F + block * CEPSTRA + c0;
          data.fill(0, at, at + w);
        }
      }
    }
  }
}
