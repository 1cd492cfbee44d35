/**
 * chrF (Popović 2015) as sacreBLEU 2.x computes it: character n-grams of orders 1..6 with
 * whitespace removed, statistics summed over the corpus, then the F-beta score (beta 2) of the
 * precision and recall averaged over the orders both sides reach. epsSmoothing: chrF++.py's
 * variant, the mean of the per-order F-scores with 1e-16 for empty orders.
 */
export interface ChrfOptions {
  order?: number;
  beta?: number;
  epsSmoothing?: boolean;
}

function charNgrams(s: string, n: number): Map<string, number> {
  const chars = [...s];
  const m = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** One reference per hypothesis. */
export function corpusChrf(hypotheses: string[], references: string[], opts: ChrfOptions = {}): number {
  if (references.length !== hypotheses.length) throw new Error(`${hypotheses.length} hypotheses but ${references.length} references`);
  const order = opts.order ?? 6;
  const stats = new Array<number>(3 * order).fill(0);
  hypotheses.forEach((h, i) => {
    const hyp = h.replace(/\s+/g, '');
    const ref = references[i].replace(/\s+/g, '');
    for (let n = 1; n <= order; n++) {
      const hg = charNgrams(hyp, n);
      const rg = charNgrams(ref, n);
      let match = 0;
      hg.forEach((c, g) => (match += Math.min(c, rg.get(g) ?? 0)));
      stats[3 * (n - 1)] += Math.max(0, [...hyp].length - n + 1);
      stats[3 * (n - 1) + 1] += Math.max(0, [...ref].length - n + 1);
      stats[3 * (n - 1) + 2] += match;
    }
  });
  return chrfFromStats(stats, order, opts.beta ?? 2, opts.epsSmoothing ?? false);
}

function fScore(p: number, r: number, factor: number): number {
  return p + r === 0 ? 0 : ((1 + factor) * p * r) / (factor * p + r);
}

function chrfFromStats(stats: number[], order: number, beta: number, epsSmoothing: boolean): number {
  const eps = 1e-16;
  const factor = beta ** 2;
  let sumF = 0;
  let avgP = 0;
  let avgR = 0;
  let effective = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3);
    const p = nHyp > 0 ? nMatch / nHyp : eps;
    const r = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * p + r;
    sumF += denom > 0 ? ((1 + factor) * p * r) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgP += p;
      avgR += r;
      effective++;
    }
  }
  if (epsSmoothing) return (100 * sumF) / order;
  if (effective === 0) return 0;
  return 100 * fScore(avgP / effective, avgR / effective, factor);
}
