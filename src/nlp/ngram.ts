/**
 * Count-based character n-gram model with interpolated Kneser-Ney smoothing: the classical
 * baseline a neural language model has to beat. Discounts per order are estimated from
 * count-of-counts (D = n1 / (n1 + 2 n2)); lower orders use continuation counts.
 */
import { ShapeError } from '../core/seq';
import { meanScored } from './mixture';

interface ContextStats {
  /** Sum of (continuation) counts of grams with this context. */
  total: number;
  /** Distinct next symbols seen after this context. */
  types: number;
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
  private discounts: number[] = [];

  constructor(readonly order: number, readonly vocabSize: number) {
    if (!Number.isInteger(order) || order < 1) throw new ShapeError(`n-gram order must be a positive integer, got ${order}`);
  }

  fit(ids: ArrayLike<number>): this {
    const n = this.order;
    if (ids.length < n) throw new ShapeError(`need at least ${n} symbols to fit an order-${n} model`);
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
        const s = ctx.get(h);
        if (s) {
          s.total += c;
          s.types += 1;
        } else ctx.set(h, { total: c, types: 1 });
      }
      return ctx;
    });
    this.discounts = this.counts.map((m) => {
      let n1 = 0;
      let n2 = 0;
      for (const c of m.values()) {
        if (c === 1) n1++;
        else if (c === 2) n2++;
      }
      return n1 + 2 * n2 > 0 ? Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2))) : 0.5;
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
    const D = this.discounts[k];
    const c = this.counts[k].get(h + w) ?? 0;
    return Math.max(c - D, 0) / s.total + ((D * s.types) / s.total) * lower;
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
