/** Drawing a token from logits with a temperature. */
import { rowArgmax } from '../core/rows';
import type { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';

/** temperature 0 picks the most likely token; higher values flatten the distribution. */
export function sampleFromLogits(logits: ArrayLike<number>, temperature: number, rng: Rng, offset = 0, size = logits.length): number {
  if (!(temperature >= 0)) throw new ShapeError(`temperature must be >= 0, got ${temperature}`);
  const best = rowArgmax(logits, offset, size);
  if (temperature === 0) return best;
  const p = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    p[i] = Math.exp((logits[offset + i] - logits[offset + best]) / temperature);
    sum += p[i];
  }
  let u = rng.next() * sum;
  for (let i = 0; i < size; i++) {
    u -= p[i];
    if (u <= 0) return i;
  }
  return size - 1;
}
