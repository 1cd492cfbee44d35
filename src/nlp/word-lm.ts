/** Word-level language model: the recurrent language model over a WordVocabulary, scored in perplexity. */
import { RecurrentLanguageModel, type RecurrentLMSpec } from './recurrent-lm';
import type { WordVocabulary } from './word-vocabulary';

export type WordLMSpec = RecurrentLMSpec<WordVocabulary>;

export class WordLanguageModel extends RecurrentLanguageModel<WordVocabulary> {
  protected override formatBits(bits: number): string {
    return `ppl ${(2 ** bits).toFixed(1)}`;
  }

  protected override continueText(prompt: string, ids: number[]): string {
    const more = this.vocab.decode(ids);
    return prompt + (more.startsWith('\n') || prompt.endsWith('\n') ? '' : ' ') + more;
  }
}
