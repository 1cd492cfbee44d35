/**
 * Count-based n-gram model (characters or words: any ids < 65536) with interpolated Kneser-Ney
 * smoothing: the classical baseline a neural language model has to beat. Discounts per order are
 * estimated from count-of-counts n1..n4 of that order: one D = n1 / (n1 + 2 n2), or with `modified`
 * (Chen & Goodman 1998) three, D1, D2 and D3+ for grams seen once, twice and more often. Lower
 * orders use continuation counts.
 */
import { ShapeError } from '../core/seq';
import { meanScored } from './mixture';

interface ContextStats {
  /** Sum of (continuation) counts of grams with this context. */
  total: number;
  /** Distinct next symbols seen after this context: once, twice, three times or more. */
  n1: number;
  n2: number;
  n3: number;
}

export interface KneserNeyOptions {
  /** Modified Kneser-Ney: three discounts per order instead of one. */
  modified?: boolean;
}

/** [D1, D2, D3+] from the count-of-counts n[1..4]; the single-discount variant uses D for all three. */
function discounts(n: number[], modified: boolean): [number, number, number] {
  const D = n[1] + 2 * n[2] > 0 ? Math.min(0.95, Math.max(0.05, n[1] / (n[1] + 2 * n[2]))) : 0.5;
  if (!modified || n[1] === 0 || n[2] === 0 || n[3] === 0 || n[4] === 0) return [D, D, D];
  const Y = n[1] / (n[1] + 2 * n[2]);
  // Kept within [0, c] so that a seen gram never gets a negative share.
  const clamp = (d: number, c: number) => Math.min(c, Math.max(0, d));
  return [clamp(1 - (2 * Y * n[2]) / n[1], 1), clamp(2 - (3 * Y * n[3]) / n[2], 2), clamp(3 - (4 * Y * n[4]) / n[3], 3)];
}

function key(ids: ArrayLike<number>, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(ids[i]);
  return s;
}

export class KneserNeyModel {
  /** counts[k]: gram of length k+1 -> count (raw for the top order, continuation below). */
  private counts: Map<string, number>[] = [];
  private contexts: Map<string, ContextStats>[] = [];
  private discounts: [number, number, number][] = [];
  readonly modified: boolean;

  constructor(readonly order: number, readonly vocabSize: number, opts: KneserNeyOptions = {}) {
    if (!Number.isInteger(order) || order < 1) throw new ShapeError(`n-gram order must be a positive integer, got ${order}`);
    if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > 65536) throw new ShapeError(`vocabulary size must be an integer in [1, 65536], got ${vocabSize}`);
    this.modified = opts.modified ?? false;
  }

  /** The discounts [D1, D2, D3+] of each order (index k: grams of length k+1), after fit. */
  get discountsByOrder(): readonly (readonly number[])[] {
    return this.discounts;
  }

  fit(ids: ArrayLike<number>): this {
    const n = this.order;
    if (ids.length < n) throw new ShapeError(`need at least ${n} symbols to fit an order-${n} model`);
    for (let i = 0; i < ids.length; i++) {
      if (!(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < this.vocabSize)) throw new ShapeError(`id ${ids[i]} at position ${i} is outside the vocabulary (size ${this.vocabSize})`);
    }
    const top = new Map<string, number>();
    for (let i = 0; i + n <= ids.length; i++) {
      const g = key(ids, i, i + n);
      top.set(g, (top.get(g) ?? 0) + 1);
    }
    this.counts = new Array(n);
    this.counts[n - 1] = top;
    for (let k = n - 2; k >= 0; k--) {
      // Continuation count of a k+1-gram: how many distinct symbols precede it.
      const lower = new Map<string, number>();
      for (const g of this.counts[k + 1].keys()) {
        const suffix = g.slice(1);
        lower.set(suffix, (lower.get(suffix) ?? 0) + 1);
      }
      this.counts[k] = lower;
    }
    this.contexts = this.counts.map((m) => {
      const ctx = new Map<string, ContextStats>();
      for (const [g, c] of m) {
        const h = g.slice(0, -1);
        let s = ctx.get(h);
        if (!s) ctx.set(h, (s = { total: 0, n1: 0, n2: 0, n3: 0 }));
        s.total += c;
        if (c === 1) s.n1++;
        else if (c === 2) s.n2++;
        else s.n3++;
      }
      return ctx;
    });
    this.discounts = this.counts.map((m) => {
      const n = [0, 0, 0, 0, 0];
      for (const c of m.values()) if (c <= 4) n[c]++;
      return discounts(n, this.modified);
    });
    return this;
  }

  /** P(next | context), using at most order-1 symbols of context. */
  prob(context: ArrayLike<number>, next: number): number {
    if (this.counts.length === 0) throw new Error('KneserNeyModel: call fit before prob');
    const h = key(context, Math.max(0, context.length - (this.order - 1)), context.length);
    return this.probAt(h, String.fromCharCode(next));
  }

  private probAt(h: string, w: string): number {
    const k = h.length;
    const lower = k === 0 ? 1 / this.vocabSize : this.probAt(h.slice(1), w);
    const s = this.contexts[k].get(h);
    if (!s) return lower;
    const [D1, D2, D3] = this.discounts[k];
    const c = this.counts[k].get(h + w) ?? 0;
    const D = c === 0 ? 0 : c === 1 ? D1 : c === 2 ? D2 : D3;
    return (c - D) / s.total + ((D1 * s.n1 + D2 * s.n2 + D3 * s.n3) / s.total) * lower;
  }

  /** Mean -log2 P over `ids`, each symbol conditioned on the symbols before it. */
  bitsPerSymbol(ids: ArrayLike<number>): number {
    if (ids.length === 0) throw new ShapeError('cannot score an empty text');
    return meanScored(this.symbolBits(ids));
  }

  /** -log2 P of each symbol of `ids` given the (up to order-1) symbols before it. */
  symbolBits(ids: ArrayLike<number>): Float64Array {
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const from = Math.max(0, i - (this.order - 1));
      out[i] = -Math.log2(this.probAt(key(ids, from, i), String.fromCharCode(ids[i])));
    }
    return out;
  }
}
