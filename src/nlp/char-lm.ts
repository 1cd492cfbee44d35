/**
 * Character-level language model: the recurrent language model over a CharVocabulary, scored in
 * bits per character. The names below are the character model's API from before it was generalised.
 */
import { RecurrentLanguageModel, type LMHistory, type LMTrainOptions, type RecurrentLMSpec, type StreamOptions } from './recurrent-lm';
import type { CharVocabulary } from './vocabulary';

export { randomWindows } from './recurrent-lm';
export type CharLMSpec = RecurrentLMSpec<CharVocabulary>;
export type CharLMTrainOptions = LMTrainOptions;
export type CharLMHistory = LMHistory;

export class CharLanguageModel extends RecurrentLanguageModel<CharVocabulary> {
  protected override formatBits(bits: number): string {
    return `${bits.toFixed(3)} bpc`;
  }

  /** Bits per character of `ids` (see bitsPerSymbol). */
  bitsPerChar(ids: Int32Array, opts: StreamOptions = {}): number {
    return this.bitsPerSymbol(ids, opts);
  }
}
