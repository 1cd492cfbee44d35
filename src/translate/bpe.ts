/**
 * Byte-pair encoding (Sennrich et al. 2016) over characters, learnt from training text only.
 * Text is cut into words (runs of letters/digits) and single punctuation marks; a piece that
 * follows a space starts with '▁' (as in SentencePiece), so decoding is concatenation with '▁'
 * turned back into a space: whitespace-normalised text round-trips exactly. Merges never cross
 * pieces. Characters absent from the training text become the unknown token.
 */
import { ShapeError } from '../core/seq';

export const SPACE = '▁';
export const UNKNOWN = '<unk>';

/** Pieces of whitespace-normalised text, each word or mark prefixed with '▁' when a space precedes it. */
export function pretokenize(text: string): string[] {
  const pieces = (' ' + normalizeSpaces(text)).match(/ ?[\p{L}\p{N}]+| ?[^\s\p{L}\p{N}]/gu) ?? [];
  return pieces.map((p) => (p.startsWith(' ') ? SPACE + p.slice(1) : p));
}

export function normalizeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

export interface BpeJSON {
  alphabet: string[];
  merges: [string, string][];
}

export class BytePairEncoding {
  private readonly rank: Map<string, number>;
  private readonly known: Set<string>;
  private readonly cache = new Map<string, string[]>();

  constructor(readonly alphabet: string[], readonly merges: [string, string][]) {
    this.known = new Set(alphabet);
    this.rank = new Map(merges.map(([a, b], i) => [pairKey(a, b), i]));
  }

  /** Learns `mergeCount` merges from `texts` (fewer if no pair occurs twice); ties go to the smaller pair. */
  static learn(texts: Iterable<string>, mergeCount: number): BytePairEncoding {
    const freq = new Map<string, number>();
    for (const t of texts) for (const p of pretokenize(t)) freq.set(p, (freq.get(p) ?? 0) + 1);
    const words = [...freq.keys()].map((w) => [...w]);
    const counts = [...freq.values()];
    const alphabet = [...new Set(words.flat())].sort();
    const pairs = new Map<string, number>();
    const where = new Map<string, Set<number>>();
    const count = (w: number, sign: number) => {
      const s = words[w];
      for (let i = 0; i + 1 < s.length; i++) {
        const k = pairKey(s[i], s[i + 1]);
        pairs.set(k, (pairs.get(k) ?? 0) + sign * counts[w]);
        if (sign > 0) (where.get(k) ?? where.set(k, new Set()).get(k)!).add(w);
      }
    };
    words.forEach((_, w) => count(w, 1));
    const merges: [string, string][] = [];
    while (merges.length < mergeCount) {
      let best = '';
      let bestCount = 1;
      for (const [k, c] of pairs) if (c > bestCount || (c === bestCount && best !== '' && k < best)) [best, bestCount] = [k, c];
      if (best === '') break;
      const [a, b] = best.split('\u0000') as [string, string];
      merges.push([a, b]);
      for (const w of where.get(best) ?? []) {
        count(w, -1);
        words[w] = mergeAll(words[w], a, b);
        count(w, 1);
      }
      pairs.delete(best);
      where.delete(best);
    }
    return new BytePairEncoding(alphabet, merges);
  }

  static fromJSON(json: BpeJSON): BytePairEncoding {
    if (!Array.isArray(json?.alphabet) || !Array.isArray(json?.merges)) throw new ShapeError('not a byte-pair encoding (alphabet and merges expected)');
    return new BytePairEncoding(json.alphabet, json.merges);
  }

  toJSON(): BpeJSON {
    return { alphabet: this.alphabet, merges: this.merges };
  }

  /** Every symbol encode can produce: unknown token, characters, then merged symbols in merge order. */
  symbols(): string[] {
    return [...new Set([UNKNOWN, ...this.alphabet, ...this.merges.map(([a, b]) => a + b)])];
  }

  encode(text: string): string[] {
    return pretokenize(text).flatMap((p) => this.encodePiece(p));
  }

  decode(tokens: string[]): string {
    return tokens.join('').replaceAll(SPACE, ' ').trim();
  }

  private encodePiece(piece: string): string[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    let s = [...piece].map((c) => (this.known.has(c) ? c : UNKNOWN));
    // Apply the earliest-learnt merge present, until none applies (the order they were learnt in).
    for (;;) {
      let bestRank = Infinity;
      let pair: [string, string] | null = null;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = this.rank.get(pairKey(s[i], s[i + 1]));
        if (r !== undefined && r < bestRank) [bestRank, pair] = [r, [s[i], s[i + 1]]];
      }
      if (!pair) break;
      s = mergeAll(s, pair[0], pair[1]);
    }
    if (this.cache.size < 100_000) this.cache.set(piece, s);
    return s;
  }
}

/** s with every adjacent (a, b), left to right, replaced by a+b. */
function mergeAll(s: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
      out.push(a + b);
      i++;
    } else out.push(s[i]);
  }
  return out;
}
