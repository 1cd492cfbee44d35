/** Tokens <-> ids for sequence-to-sequence models, with reserved padding, start, end and unknown ids. */
import { ShapeError } from '../core/seq';

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK = 3;
const RESERVED = ['<pad>', '<s>', '</s>', '<unk>'];

export class TokenVocabulary {
  readonly tokens: string[];
  private readonly index: Map<string, number>;

  constructor(tokens: Iterable<string>) {
    const distinct = [...new Set(tokens)].filter((t) => !RESERVED.includes(t)).sort();
    this.tokens = [...RESERVED, ...distinct];
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
  }

  get size(): number {
    return this.tokens.length;
  }

  encode(tokens: string[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.index.get(t) ?? UNK);
  }

  /** Ids to tokens, stopping at the first end-of-sequence id and leaving out padding and start ids. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      const t = this.tokens[id];
      if (t === undefined) throw new ShapeError(`id ${id} is outside the vocabulary (size ${this.size})`);
      out.push(t);
    }
    return out;
  }
}
