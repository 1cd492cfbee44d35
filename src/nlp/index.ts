export { CharVocabulary, UNKNOWN_CHAR } from './vocabulary';
export { KneserNeyModel } from './ngram';
export { CharLanguageModel, randomWindows, type CharLMSpec, type CharLMTrainOptions, type CharLMHistory } from './char-lm';
export { sampleFromLogits } from './sampling';
export { carryState, resetState } from './recurrent-state';
export { saveCharLM, loadCharLM, charLMToJSON } from './char-lm-file';
export { meanScored, mixtureBits } from './mixture';
