export { CharVocabulary, IndexedVocabulary, UNKNOWN_CHAR, type TokenVocabulary } from './vocabulary';
export { WordVocabulary, tokenizeWords, UNKNOWN_WORD, END_OF_PARAGRAPH } from './word-vocabulary';
export { KneserNeyModel, type KneserNeyOptions } from './ngram';
export {
  RecurrentLanguageModel,
  randomWindows,
  type RecurrentLMSpec,
  type LMTrainOptions,
  type LMHistory,
  type StreamOptions,
} from './recurrent-lm';
export { CharLanguageModel, type CharLMSpec, type CharLMTrainOptions, type CharLMHistory } from './char-lm';
export { WordLanguageModel, type WordLMSpec } from './word-lm';
export { sampleFromLogits, type SamplingOptions } from './sampling';
export { carryState, resetState } from './recurrent-state';
export { saveCharLM, loadCharLM, charLMToJSON, saveWordLM, loadWordLM } from './lm-file';
export { meanScored, mixtureBits } from './mixture';
