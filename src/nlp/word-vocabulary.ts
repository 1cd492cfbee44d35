/**
 * Words <-> integer ids for word-level models. Tokenization (tokenizeWords): the text is lowercased;
 * a token is a run of letters/digits (with inner apostrophes or hyphens: "don't", "well-known"), or
 * any other single non-space character (punctuation); a line break, which ends a paragraph in the
 * Brown text, becomes the end-of-paragraph token `<eos>`. The vocabulary keeps the most frequent
 * words of the text it is built from (the training side only) and maps every other word to `<unk>`.
 */
import { ShapeError } from '../core/seq';
import { IndexedVocabulary } from './vocabulary';

export const UNKNOWN_WORD = '<unk>';
export const END_OF_PARAGRAPH = '<eos>';

const TOKEN = /\n|[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

export function tokenizeWords(text: string): string[] {
  return (text.toLowerCase().match(TOKEN) ?? []).map((t) => (t === '\n' ? END_OF_PARAGRAPH : t));
}

export class WordVocabulary extends IndexedVocabulary {
  /** `words` in id order; `<unk>` (id 0) and `<eos>` (id 1) are put first if missing. */
  constructor(words: string[]) {
    super([UNKNOWN_WORD, END_OF_PARAGRAPH, ...words.filter((w) => w !== UNKNOWN_WORD && w !== END_OF_PARAGRAPH)]);
  }

  /** The `size` - 2 most frequent tokens of `text` (ties broken alphabetically) plus `<unk>` and `<eos>`. */
  static fromText(text: string, size: number): WordVocabulary {
    if (!Number.isInteger(size) || size < 3) throw new ShapeError(`vocabulary size must be an integer >= 3, got ${size}`);
    const counts = new Map<string, number>();
    for (const t of tokenizeWords(text)) if (t !== END_OF_PARAGRAPH) counts.set(t, (counts.get(t) ?? 0) + 1);
    if (counts.size === 0) throw new ShapeError('cannot build a vocabulary from a text without words');
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new WordVocabulary(ranked.slice(0, size - 2).map(([w]) => w));
  }

  get words(): string[] {
    return this.symbols as string[];
  }

  encode(text: string): Int32Array {
    return Int32Array.from(tokenizeWords(text), (w) => this.idOf(w));
  }

  /** Words joined by spaces, `<eos>` as a line break. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const w = this.symbolOf(ids[i]);
      if (w === END_OF_PARAGRAPH) s += '\n';
      else s += (s.length === 0 || s.endsWith('\n') ? '' : ' ') + w;
    }
    return s;
  }
}
