/** The Brown corpus split used by the language-model notebook and script: every 10th document is held out. */
import { WordVocabulary } from '../nlp/word-vocabulary';
import { loadBrownCorpus } from './brown-corpus';

export function brownTrainValidText(): { train: string; valid: string } {
  const docs = loadBrownCorpus();
  return {
    train: docs.filter((_, i) => i % 10 !== 0).map((d) => d.text).join('\n'),
    valid: docs.filter((_, i) => i % 10 === 0).map((d) => d.text).join('\n'),
  };
}

/** Held-out word tokens the word-LM notebook reports (the test text): the first 80,000. */
export const WORD_TEST_TOKENS = 80000;

/**
 * The word-level data of the language-model notebook and script: a vocabulary of the `vocabSize`
 * most frequent training words (with <unk> and <eos>), the training ids, the test ids (the first
 * 80,000 held-out tokens) and the validation ids (the rest of the held-out text, ~38,000 tokens,
 * disjoint from the test ids: it picks checkpoints and settings, the test figures pick nothing).
 */
export function brownWordData(vocabSize = 10000): { vocab: WordVocabulary; trainIds: Int32Array; testIds: Int32Array; validIds: Int32Array } {
  const { train, valid } = brownTrainValidText();
  const vocab = WordVocabulary.fromText(train, vocabSize);
  const held = vocab.encode(valid);
  return { vocab, trainIds: vocab.encode(train), testIds: held.slice(0, WORD_TEST_TOKENS), validIds: held.slice(WORD_TEST_TOKENS) };
}
