/**
 * Beam search for autoregressive decoders. `sentences` inputs are decoded side by side, `width`
 * rows each (row n·width + j is hypothesis j of input n). Each step scores every live
 * hypothesis's extensions by total log-probability, keeps the best `width` per input, and moves
 * hypotheses that end with the end token among the top `width` to the finished list. An input is
 * done when it has `width` finished hypotheses (or at maxLength, where live ones count as
 * finished). The answer is the finished hypothesis with the best length-normalised score
 * logP / length^alpha (the length counts the end token). Width 1 is greedy decoding.
 */
import type { Arr } from '../core/dtype';
import { rowLogSumExp } from '../core/rows';

export interface StepDecoder {
  readonly vocabSize: number;
  /** Logits [rows, V] of the next token of every row given each row's last token; advances the rows' states. */
  step(prev: Int32Array): { logits: Arr; attention?: Arr; attentionWidth?: number };
  /** Row r takes the state of row parents[r]. */
  reorder(parents: Int32Array): void;
}

export interface BeamOptions {
  width: number;
  maxLength: number;
  /** Length-normalisation exponent (0: raw log-probability). */
  alpha?: number;
  startToken: number;
  endToken: number;
}

export interface Hypothesis {
  tokens: number[];
  logProb: number;
  score: number;
  /** Attention row per output token, when the decoder reports it. */
  attention: Float64Array[];
}

interface Live {
  tokens: number[];
  logProb: number;
  attention: Float64Array[];
}

export function beamSearch(decoder: StepDecoder, sentences: number, opts: BeamOptions): Hypothesis[] {
  const { width: k, maxLength, startToken, endToken } = opts;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`beam width must be a positive integer, got ${k}`);
  const alpha = opts.alpha ?? 1;
  const V = decoder.vocabSize;
  const rows = sentences * k;
  const finish = (h: Live): Hypothesis => ({ ...h, score: h.logProb / Math.pow(Math.max(1, h.tokens.length + 1), alpha) });
  // Only hypothesis 0 of each input is live at the start, so the first step does not repeat it.
  let live: (Live | null)[] = Array.from({ length: rows }, (_, r) => (r % k === 0 ? { tokens: [], logProb: 0, attention: [] } : null));
  const finished: Hypothesis[][] = Array.from({ length: sentences }, () => []);
  let prev = new Int32Array(rows).fill(startToken);
  for (let step = 0; step < maxLength && live.some((h) => h); step++) {
    const { logits, attention, attentionWidth = 0 } = decoder.step(prev);
    const next: (Live | null)[] = new Array(rows).fill(null);
    const parents = Int32Array.from({ length: rows }, (_, r) => r);
    prev = new Int32Array(rows).fill(endToken);
    for (let n = 0; n < sentences; n++) {
      const candidates: { logProb: number; row: number; token: number }[] = [];
      for (let r = n * k; r < (n + 1) * k; r++) {
        const h = live[r];
        if (!h) continue;
        const z = rowLogSumExp(logits, r * V, V);
        for (const token of topTokens(logits, r * V, V, k + 1)) {
          // A token of probability 0 never extends a hypothesis.
          if (logits[r * V + token] > -Infinity) candidates.push({ logProb: h.logProb + logits[r * V + token] - z, row: r, token });
        }
      }
      // Best first; ties to the earlier row, then the smaller token (as greedy argmax).
      candidates.sort((a, b) => b.logProb - a.logProb || a.row - b.row || a.token - b.token);
      let kept = 0;
      for (let i = 0; i < candidates.length && kept < k; i++) {
        const c = candidates[i];
        const parent = live[c.row]!;
        const att = attention ? [...parent.attention, Float64Array.from(attention.subarray(c.row * attentionWidth, (c.row + 1) * attentionWidth))] : parent.attention;
        if (c.token === endToken) {
          if (i < k) finished[n].push(finish({ ...parent, logProb: c.logProb }));
          continue;
        }
        const r = n * k + kept++;
        next[r] = { tokens: [...parent.tokens, c.token], logProb: c.logProb, attention: att };
        parents[r] = c.row;
        prev[r] = c.token;
      }
      if (finished[n].length >= k) for (let r = n * k; r < (n + 1) * k; r++) next[r] = null;
    }
    decoder.reorder(parents);
    live = next;
  }
  live.forEach((h, r) => h && finished[Math.floor(r / k)].push(finish(h)));
  return finished.map((list) => list.reduce((best, h) => (h.score > best.score ? h : best)));
}

/** Indices of the m largest values of a[off .. off+n), largest first (smaller index on ties). */
function topTokens(a: Arr, off: number, n: number, m: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    if (top.length === m && a[off + i] <= a[off + top[m - 1]]) continue;
    let j = Math.min(top.length, m - 1);
    top[j] = i;
    while (j > 0 && a[off + top[j - 1]] < a[off + i]) {
      top[j] = top[j - 1];
      top[--j] = i;
    }
  }
  return top;
}
