/** Characters <-> integer ids for character-level models; rare characters share one unknown id. */
import { ShapeError } from '../core/seq';

export const UNKNOWN_CHAR = '\u0000';

export class CharVocabulary {
  readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(chars: string[]) {
    if (new Set(chars).size !== chars.length) throw new ShapeError('vocabulary characters must be distinct');
    this.chars = chars.includes(UNKNOWN_CHAR) ? [...chars] : [UNKNOWN_CHAR, ...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** Every character seen at least `minCount` times in `text` (code points, sorted). */
  static fromText(text: string, minCount = 1): CharVocabulary {
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = [...counts].filter(([, n]) => n >= minCount).map(([c]) => c);
    return new CharVocabulary(kept.sort());
  }

  get size(): number {
    return this.chars.length;
  }

  idOf(c: string): number {
    return this.index.get(c) ?? 0;
  }

  encode(text: string): Int32Array {
    return Int32Array.from(text, (c) => this.idOf(c));
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined) throw new ShapeError(`id ${ids[i]} is outside the vocabulary (size ${this.size})`);
      s += c === UNKNOWN_CHAR ? '\uFFFD' : c;
    }
    return s;
  }
}
