import type { Rng } from '../core/rng';

/**
 * Accent variants of the vocabulary as espeak-ng phoneme strings (English mnemonics, fed to
 * espeak-ng as `[[...]]`). espeak-ng's accents share one lexicon, so every training voice
 * says "up" with the same vowel; real accents differ mostly in vowels (and in TH-stopping,
 * r-colouring), so a model that has only heard one vowel per word leans on it and then
 * mishears a speaker whose vowel drifts toward another word's (e.g. "up" toward "off").
 * Training on these variants makes the consonants carry the decision as well.
 */
export const ACCENT_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  zero: ["z'i:roU", "z'Ir@U", "z'i@r@"],
  one: ["w'0n", "w'O:n", "w'@n"],
  two: ["t'U", "tj'u:"],
  three: ["tr'i:", "Tr'I", "t'i:"],
  four: ["f'O:", "f'O@", "f'o@r"],
  five: ["f'A:v", "f'OIv"],
  six: ["s'i:ks", "s'Eks"],
  seven: ["s'Ivn", "s'Ev@n"],
  eight: ["'aIt", "'Et"],
  nine: ["n'A:n", "n'OIn"],
  oh: ["'O:", "'oU#"],
  yes: ["j'as", "j'Is", "j'eIs"],
  no: ["n'O:", "n'oU#"],
  up: ["'0p", "'Op", "'@p", "'ap", "'Up"],
  down: ["d'A:n", "d'aU@n"],
  left: ["l'aft", "l'Ift"],
  right: ["r'A:t", "r'OIt"],
  on: ["'O:n", "'A:n", "'Vn"],
  off: ["'O:f", "'Vf", "'A:f"],
  stop: ["st'A:p", "st'O:p", "st'Vp"],
  go: ["g'O:", "g'oU#"],
};

/**
 * The text an espeak-ng voice should read for `words`: each word, with probability `rate`,
 * replaced by one of its accent variants in phoneme notation.
 */
export function withAccentVariants(words: string, rng: Rng, rate: number): string {
  return words
    .split(' ')
    .map((w) => {
      const variants = ACCENT_VARIANTS[w];
      if (!variants || rng.next() >= rate) return w;
      return `[[${variants[rng.int(variants.length)]}]]`;
    })
    .join(' ');
}
