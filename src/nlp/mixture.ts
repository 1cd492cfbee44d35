/** Per-symbol scores of language models: averaging them, and mixing two models' probabilities. */
import { ShapeError } from '../core/seq';

/** Mean of the scored (non-NaN) entries. */
export function meanScored(bits: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (const b of bits) {
    if (Number.isNaN(b)) continue;
    sum += b;
    n++;
  }
  if (n === 0) throw new ShapeError('no symbol was scored');
  return sum / n;
}

/**
 * Bits per symbol of the linear interpolation w·p_a + (1-w)·p_b of two models, given each
 * model's -log2 p per symbol; symbols either model left unscored (NaN) are skipped.
 */
export function mixtureBits(bitsA: Float64Array, bitsB: Float64Array, weightA: number): number {
  if (bitsA.length !== bitsB.length) throw new ShapeError(`score arrays differ in length (${bitsA.length} vs ${bitsB.length})`);
  if (!(weightA >= 0 && weightA <= 1)) throw new ShapeError(`mixture weight must be in [0, 1], got ${weightA}`);
  const mixed = new Float64Array(bitsA.length);
  for (let i = 0; i < bitsA.length; i++) {
    mixed[i] = Number.isNaN(bitsA[i]) || Number.isNaN(bitsB[i]) ? NaN : -Math.log2(weightA * 2 ** -bitsA[i] + (1 - weightA) * 2 ** -bitsB[i]);
  }
  return meanScored(mixed);
}
