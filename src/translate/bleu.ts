/**
 * Corpus BLEU as sacreBLEU 2.x computes it (Post 2018): n-grams up to 4 of the 13a-tokenised
 * text, matches clipped by the largest count in any reference, the closest reference length
 * (the shorter on ties) for the brevity penalty, and sacreBLEU's smoothing methods ('exp' by default).
 */
import { tokenize13a } from './tokenize-13a';

export interface BleuOptions {
  tokenize?: '13a' | 'none';
  smooth?: 'exp' | 'floor' | 'none';
  /** The floor method's value (sacreBLEU's default 0.1). */
  smoothValue?: number;
  /** Average over the n-gram orders the hypotheses reach (sacreBLEU's use_effective_order). */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  score: number;
  /** Matching and total hypothesis n-grams, orders 1..4. */
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

const ORDER = 4;

function ngramCounts(words: string[]): Map<string, number>[] {
  const out = Array.from({ length: ORDER }, () => new Map<string, number>());
  for (let n = 1; n <= ORDER; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const g = words.slice(i, i + n).join(' ');
      out[n - 1].set(g, (out[n - 1].get(g) ?? 0) + 1);
    }
  }
  return out;
}

/** `references` holds one stream per reference set, each as long as `hypotheses` (as in sacreBLEU). */
export function corpusBleu(hypotheses: string[], references: string[][], opts: BleuOptions = {}): BleuScore {
  for (const r of references) if (r.length !== hypotheses.length) throw new Error(`${hypotheses.length} hypotheses but a reference stream of ${r.length}`);
  const tok = opts.tokenize === 'none' ? (s: string) => s.trim() : tokenize13a;
  const split = (s: string) => tok(s).split(' ').filter((w) => w.length > 0);
  const counts = new Array<number>(ORDER).fill(0);
  const totals = new Array<number>(ORDER).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((h, i) => {
    const hyp = split(h);
    const refs = references.map((stream) => split(stream[i]));
    sysLen += hyp.length;
    refLen += closestLength(hyp.length, refs.map((r) => r.length));
    const maxRef = Array.from({ length: ORDER }, () => new Map<string, number>());
    for (const r of refs) ngramCounts(r).forEach((m, n) => m.forEach((c, g) => maxRef[n].set(g, Math.max(c, maxRef[n].get(g) ?? 0))));
    ngramCounts(hyp).forEach((m, n) => {
      totals[n] += Math.max(0, hyp.length - n);
      m.forEach((c, g) => (counts[n] += Math.min(c, maxRef[n].get(g) ?? 0)));
    });
  });
  return bleuFromStats(counts, totals, sysLen, refLen, opts);
}

function closestLength(hyp: number, refs: number[]): number {
  let best = refs[0];
  for (const r of refs) if (Math.abs(hyp - r) < Math.abs(hyp - best) || (Math.abs(hyp - r) === Math.abs(hyp - best) && r < best)) best = r;
  return best;
}

/** sacreBLEU's BLEU.compute_bleu from the sufficient statistics. */
export function bleuFromStats(counts: number[], totals: number[], sysLen: number, refLen: number, opts: BleuOptions = {}): BleuScore {
  const precisions = new Array<number>(ORDER).fill(0);
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const result = { counts, totals, precisions, bp, sysLen, refLen };
  if (!counts.some((c) => c > 0)) return { score: 0, ...result };
  const smooth = opts.smooth ?? 'exp';
  let smoothMteval = 1;
  let effOrder = ORDER;
  for (let n = 0; n < ORDER; n++) {
    if (totals[n] === 0) break;
    if (opts.effectiveOrder) effOrder = n + 1;
    if (counts[n] > 0) precisions[n] = (100 * counts[n]) / totals[n];
    else if (smooth === 'exp') {
      smoothMteval *= 2;
      precisions[n] = 100 / (smoothMteval * totals[n]);
    } else if (smooth === 'floor') precisions[n] = (100 * (opts.smoothValue ?? 0.1)) / totals[n];
  }
  const logSum = precisions.slice(0, effOrder).reduce((a, p) => a + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { score: bp * Math.exp(logSum / effOrder), ...result };
}
