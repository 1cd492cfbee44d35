/**
 * A synthetic translation task: English number words to digits,
 * e.g. "three hundred forty two thousand five" -> "3 4 2 0 0 5" (one token per digit).
 */
import { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function below1000(n: number): string[] {
  const words: string[] = [];
  if (n >= 100) {
    words.push(ONES[Math.floor(n / 100)], 'hundred');
    n %= 100;
  }
  if (n >= 20) {
    words.push(TENS[Math.floor(n / 10)]);
    if (n % 10) words.push(ONES[n % 10]);
  } else if (n > 0) words.push(ONES[n]);
  return words;
}

/** Words of 0 <= n < 1,000,000,000 (American style, no "and"; hyphens become spaces). */
export function numberToWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n >= 1e9) throw new ShapeError(`numberToWords takes an integer in [0, 1e9), got ${n}`);
  if (n === 0) return ['zero'];
  const millions = Math.floor(n / 1e6);
  const thousands = Math.floor((n % 1e6) / 1000);
  const rest = n % 1000;
  return [
    ...(millions ? [...below1000(millions), 'million'] : []),
    ...(thousands ? [...below1000(thousands), 'thousand'] : []),
    ...below1000(rest),
  ];
}

export interface TranslationPair {
  source: string[];
  target: string[];
}

/**
 * `count` distinct numbers below `maxValue` drawn with a log-uniform spread of sizes (short and
 * long numbers equally common), as word/digit token pairs. `exclude` keeps a held-out set apart.
 */
export function numberWordPairs(count: number, seed: number, maxValue = 1e6, exclude?: Set<number>): { pairs: TranslationPair[]; numbers: Set<number> } {
  if (count > maxValue / 2) throw new ShapeError(`cannot draw ${count} distinct numbers below ${maxValue}`);
  const rng = new Rng(seed);
  const numbers = new Set<number>();
  const digits = Math.log10(maxValue);
  while (numbers.size < count) {
    const n = Math.min(maxValue - 1, Math.floor(Math.pow(10, rng.uniform(0, digits))) - (rng.next() < 0.1 ? 1 : 0));
    if (n >= 0 && !exclude?.has(n)) numbers.add(n);
  }
  const pairs = [...numbers].map((n) => ({ source: numberToWords(n), target: String(n).split('') }));
  return { pairs, numbers };
}

/**
 * A random split of `train + test` distinct numbers, so that both sides have the same mix of
 * sizes (drawing the test set first would put most of the few short numbers in it).
 */
export function numberWordSplit(train: number, test: number, seed: number, maxValue = 1e6): { train: TranslationPair[]; test: TranslationPair[] } {
  const { pairs } = numberWordPairs(train + test, seed, maxValue);
  new Rng(seed + 1).shuffle(pairs);
  return { train: pairs.slice(test), test: pairs.slice(0, test) };
}
