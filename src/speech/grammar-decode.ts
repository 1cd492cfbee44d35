import { ctcLogLikelihoodOfLogProbs, ctcLogProbs } from '../losses/ctc';
import { beamDecode } from '../decode/ctc-decode';
import { COMMAND_WORDS, DIGIT_WORDS, WORDS } from './vocabulary';

const DIGIT_IDS = DIGIT_WORDS.map((w) => WORDS.indexOf(w) + 1);
const COMMAND_IDS = COMMAND_WORDS.map((w) => WORDS.indexOf(w) + 1);

/**
 * Decoding under the task's grammar: an utterance is either a string of digits, a single
 * command word, or nothing (no speech). The best digit string comes from a beam search with
 * the command classes masked out; it then competes with each command word and with the empty
 * transcript on CTC likelihood log p(words | audio). So silence, noise or a tone, where the
 * all-blank path is the likeliest, give an empty answer instead of the least unlikely word.
 */
export function grammarDecode(logits: ArrayLike<number>, T: number, C: number, beamWidth = 8): number[] {
  return likeliest(grammarCandidates(logits, T, C, beamWidth), [logits], T, C);
}

/** What grammarDecode weighs for one model's logits: nothing, its best digit string, each command word. */
export function grammarCandidates(logits: ArrayLike<number>, T: number, C: number, beamWidth = 8): number[][] {
  const digitsOnly = Float64Array.from({ length: T * C }, (_, i) => (COMMAND_IDS.includes(i % C) ? -1e9 : logits[i]));
  const digits = beamDecode(digitsOnly, T, C, beamWidth).filter((id) => DIGIT_IDS.includes(id));
  return [[], ...(digits.length > 0 ? [digits] : []), ...COMMAND_IDS.map((id) => [id])];
}

/** The candidate of the highest CTC log-likelihood summed over the models' logits (the first of equals). */
export function likeliest(candidates: number[][], models: readonly ArrayLike<number>[], T: number, C: number): number[] {
  // Each model's logits normalised once, for all the candidates.
  const logProbs = models.map((logits) => ctcLogProbs(logits, T, C));
  let best: number[] = [];
  let bestScore = -Infinity;
  for (const labels of candidates) {
    let score = 0;
    for (const lp of logProbs) score += ctcLogLikelihoodOfLogProbs(lp, T, C, labels);
    if (score > bestScore) {
      bestScore = score;
      best = labels;
    }
  }
  return best;
}
