export { LuongAttention } from './attention';
export { Seq2Seq, type Seq2SeqSpec, type Seq2SeqBatch, type Translation, type DecodingState } from './model';
export { TokenVocabulary, PAD, BOS, EOS, UNK } from './token-vocabulary';
export { trainSeq2Seq, exactMatch, type Pair, type Seq2SeqTrainOptions, type Seq2SeqHistory } from './train';
export { beamTranslate, type BeamTranslateOptions } from './beam-translate';
