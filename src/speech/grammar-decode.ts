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
  return likeliest(grammarCandidates(logits, T, C, beamWidth), [{ logits, steps: T }], C);
}

/** One model's output for one clip: [steps, C] logits (an ensemble member's, or one speed view's of it). */
export interface StepLogits {
  logits: ArrayLike<number>;
  steps: number;
}

/** What grammarDecode weighs for one model's logits: nothing, its best digit string, each command word. */
export function grammarCandidates(logits: ArrayLike<number>, T: number, C: number, beamWidth = 8): number[][] {
  const isCommand = Array.from({ length: C }, (_, k) => COMMAND_IDS.includes(k));
  const digitsOnly = new Float64Array(T * C);
  for (let t = 0, i = 0; t < T; t++) for (let k = 0; k < C; k++, i++) digitsOnly[i] = isCommand[k] ? -1e9 : logits[i];
  const digits = beamDecode(digitsOnly, T, C, beamWidth).filter((id) => DIGIT_IDS.includes(id));
  return [[], ...(digits.length > 0 ? [digits] : []), ...COMMAND_IDS.map((id) => [id])];
}

/** The candidate of the highest CTC log-likelihood summed over the models' outputs (the first of equals). */
export function likeliest(candidates: number[][], outputs: readonly StepLogits[], C: number): number[] {
  // Each output normalised once, for all the candidates.
  const logProbs = outputs.map(({ logits, steps }) => ({ lp: ctcLogProbs(logits, steps, C), steps }));
  let best: number[] = [];
  let bestScore = -Infinity;
  for (const labels of candidates) {
    let score = 0;
    for (const { lp, steps } of logProbs) score += ctcLogLikelihoodOfLogProbs(lp, steps, C, labels);
    if (score > bestScore) {
      bestScore = score;
      best = labels;
    }
  }
  return best;
}
