export { Translator, type TranslatorSpec, type TranslateOptions, type DetailedTranslation } from './translator';
export { saveTranslator, loadTranslator, type LoadedTranslator } from './translator-file';
export { DEFAULT_TRANSLATOR_MODEL } from './default-model';
export { BytePairEncoding, pretokenize, SPACE, UNKNOWN, type BpeJSON } from './bpe';
export { corpusBleu, bleuFromStats, type BleuOptions, type BleuScore } from './bleu';
export { corpusChrf, type ChrfOptions } from './chrf';
export { tokenize13a } from './tokenize-13a';
export { scoreTranslations, type TranslationScores } from './evaluate';
export { WordForWord, copySource } from './baselines';
export { loadParallelCorpus, corpusSplit, splitOf, CORPUS_FILE, MIN_WORDS, MAX_WORDS, type SentencePair, type SplitName } from './parallel-corpus';

import { DEFAULT_TRANSLATOR_MODEL } from './default-model';
import { loadTranslator } from './translator-file';
import type { TranslateOptions, Translator } from './translator';

let shipped: Translator | undefined;

/** English to Spanish with the shipped model (loaded once): `translation.toSpanish(['The house is blue.'])`. */
export function toSpanish(texts: string[], opts: TranslateOptions = {}): string[] {
  shipped ??= loadTranslator(DEFAULT_TRANSLATOR_MODEL).translator;
  return shipped.translate(texts, opts);
}
