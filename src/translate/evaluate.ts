/** Scores translations of held-out pairs against their references: corpus BLEU and chrF. */
import { corpusBleu } from './bleu';
import { corpusChrf } from './chrf';

export interface TranslationScores {
  bleu: number;
  chrf: number;
}

export function scoreTranslations(hypotheses: string[], references: string[]): TranslationScores {
  return { bleu: corpusBleu(hypotheses, [references]).score, chrf: corpusChrf(hypotheses, references) };
}
