/** Drawing a token from logits: temperature, top-k and top-p (nucleus) sampling. */
import { rowArgmax } from '../core/rows';
import type { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';

export interface SamplingOptions {
  /** Divides the logits: 0 picks the most likely token; higher values flatten the distribution (default 1). */
  temperature?: number;
  /** Sample only among the k most likely tokens (default: all). */
  topK?: number;
  /** Sample only among the smallest set of most likely tokens whose probability reaches p (default 1: all). */
  topP?: number;
}

function checkOptions({ temperature = 1, topK, topP = 1 }: SamplingOptions): void {
  if (!(temperature >= 0)) throw new ShapeError(`temperature must be >= 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new ShapeError(`topK must be a positive integer, got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new ShapeError(`topP must be in (0, 1], got ${topP}`);
}

/**
 * One token id drawn from softmax(logits / temperature) restricted to the top-k tokens and then to
 * the top-p nucleus (renormalised); a number as `sampling` is the temperature alone.
 */
export function sampleFromLogits(logits: ArrayLike<number>, sampling: number | SamplingOptions, rng: Rng, offset = 0, size = logits.length): number {
  const opts = typeof sampling === 'number' ? { temperature: sampling } : sampling;
  checkOptions(opts);
  const { temperature = 1, topK = size, topP = 1 } = opts;
  const best = rowArgmax(logits, offset, size);
  if (temperature === 0 || topK === 1) return best;
  const p = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    p[i] = Math.exp((logits[offset + i] - logits[offset + best]) / temperature);
    if (Number.isNaN(p[i])) throw new ShapeError(`cannot sample from logits holding ${logits[offset + i]} (id ${i}) next to ${logits[offset + best]}: they must be finite`);
  }
  const candidates = topK < size || topP < 1 ? nucleus(p, topK, topP) : null;
  const n = candidates ? candidates.length : size;
  const id = (i: number): number => (candidates ? candidates[i] : i);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[id(i)];
  let u = rng.next() * sum;
  for (let i = 0; i < n; i++) {
    u -= p[id(i)];
    if (u <= 0) return id(i);
  }
  return id(n - 1);
}

/**
 * The ids of the k largest weights `p` (the largest is 1), most likely first, cut to the smallest prefix holding a
 * share `topP` of their sum. Only the weights above a threshold are sorted: none below it can come before one above,
 * so their sorted prefix is the full sort's; the threshold is lowered until they hold the answer. A word vocabulary
 * then sorts a few dozen candidates per token, not all of its ids. (Without a top k the sum is taken in id order, so
 * a top-p that falls within rounding of a prefix's share may cut one id off where a sum in sorted order would not.)
 */
function nucleus(p: Float64Array, topK: number, topP: number): number[] {
  const k = Math.min(topK, p.length);
  // Without a top k, the total is every weight's (summed once, whatever the threshold).
  let sumAll = 0;
  if (k === p.length) for (let i = 0; i < p.length; i++) sumAll += p[i];
  for (const threshold of NUCLEUS_THRESHOLDS) {
    const order: number[] = [];
    for (let i = 0; i < p.length; i++) if (p[i] >= threshold) order.push(i);
    const everything = order.length === p.length;
    // The total of a top k short of every id needs those k sorted first.
    if (k < p.length && order.length < k && !everything) continue;
    order.sort((a, b) => p[b] - p[a] || a - b);
    let total = sumAll;
    if (k < p.length) {
      total = 0;
      for (let i = 0; i < k; i++) total += p[order[i]];
    }
    // The tolerance lets a mass of exactly p (up to rounding) stop the set.
    const target = topP * total * (1 - 1e-12);
    let n = 0;
    let mass = 0;
    for (; n < Math.min(k, order.length) && mass < target; n++) mass += p[order[n]];
    if (mass >= target || n === k || everything) return order.slice(0, n);
  }
  throw new Error('unreachable: the last threshold keeps every id');
}

/** Weights (relative to the largest) sorted first when looking for the nucleus, lowered in turn; at 0 every id is. */
const NUCLEUS_THRESHOLDS = [1e-3, 1e-6, 1e-12, 0];
