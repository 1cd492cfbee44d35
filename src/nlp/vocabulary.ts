/** Characters <-> integer ids for character-level models; rare characters share one unknown id. */
import { ShapeError } from '../core/seq';

export const UNKNOWN_CHAR = '\u0000';

/** What a language model needs of its vocabulary: ids 0..size-1, text to ids and back. */
export interface TokenVocabulary {
  readonly size: number;
  /** The symbol of every id, in id order (what a model file stores). */
  readonly symbols: readonly string[];
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/** A list of distinct symbols whose id 0 is the unknown symbol; subclasses say how text splits into symbols. */
export abstract class IndexedVocabulary implements TokenVocabulary {
  private readonly index: Map<string, number>;

  protected constructor(readonly symbols: readonly string[]) {
    if (new Set(symbols).size !== symbols.length) throw new ShapeError('vocabulary symbols must be distinct');
    this.index = new Map(symbols.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.symbols.length;
  }

  /** The id of `symbol`, 0 (unknown) if it is not in the vocabulary. */
  idOf(symbol: string): number {
    return this.index.get(symbol) ?? 0;
  }

  protected symbolOf(id: number): string {
    const s = this.symbols[id];
    if (s === undefined) throw new ShapeError(`id ${id} is outside the vocabulary (size ${this.size})`);
    return s;
  }

  abstract encode(text: string): Int32Array;
  abstract decode(ids: ArrayLike<number>): string;
}

export class CharVocabulary extends IndexedVocabulary {
  constructor(chars: string[]) {
    super(chars.includes(UNKNOWN_CHAR) ? [...chars] : [UNKNOWN_CHAR, ...chars]);
  }

  /** Every character seen at least `minCount` times in `text` (code points, sorted). */
  static fromText(text: string, minCount = 1): CharVocabulary {
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = [...counts].filter(([, n]) => n >= minCount).map(([c]) => c);
    return new CharVocabulary(kept.sort());
  }

  get chars(): string[] {
    return this.symbols as string[];
  }

  encode(text: string): Int32Array {
    return Int32Array.from(text, (c) => this.idOf(c));
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.symbolOf(ids[i]);
      s += c === UNKNOWN_CHAR ? '\uFFFD' : c;
    }
    return s;
  }
}
