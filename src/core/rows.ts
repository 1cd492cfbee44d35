/** Reductions over one row of scores (e.g. the logits of one step), shared by losses, decoders and samplers. */

/** Index of the largest of a[off .. off+n) (the first one on ties). */
export function rowArgmax(a: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
  return best;
}

/** log Σ exp(a[off .. off+n)), computed stably around the row's maximum. */
export function rowLogSumExp(a: ArrayLike<number>, off: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, a[off + i]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(a[off + i] - max);
  return max + Math.log(sum);
}
