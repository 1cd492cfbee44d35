/**
 * Trains the word language model shipped in models/word-lm.safetensors on the Brown corpus (the
 * split of brownWordData: every 10th document held out; vocabulary of the 10,000 most frequent
 * training tokens with <unk> and <eos>). The first 80,000 held-out tokens are the test text the
 * notebook reports; validation scores the rest of the held-out text (~38,000 tokens) at every
 * evaluation and picks the model kept in the output file (the latest goes to word-lm.last.safetensors,
 * for --resume). With --minutes the learning rate decays over that wall-clock budget (not over --steps,
 * which is then an upper bound) and training stops at the first evaluation after it.
 * The shipped model: `--minutes 19.7 --steps 30000 --eval-every 300` (3,300 steps, validation 145.6), then
 * `--resume --minutes 33 --steps 30000 --eval-every 300 --lr 1.5e-3` (the cosine again from 1.5e-3; to step 9,900,
 * validation 116.5), on 2 cores shared with other jobs.
 * Usage: npm run train:wordlm -- [--steps 6000] [--hidden 144] [--layers 2] [--dropout 0.15]
 *   [--embed 64] [--vocab 10000] [--batch 48] [--seq 50] [--lr 3e-3] [--eval-every 250]
 *   [--minutes 40] [--out models/word-lm.safetensors] [--resume [--restart (without --minutes: the cosine from --lr again over the steps left)]]
 */
import { brownWordData, nlp, WORD_TEST_TOKENS } from '../src';
import { architectureArgs, lmOptions, runArgs, runLMTraining } from './lm-script';

const options = lmOptions({ values: ['vocab', 'eval-every', 'minutes'] });
const { vocab, trainIds, validIds } = brownWordData(options.number('vocab', 10000, { whole: true }));
const run = runArgs(options, { out: 'models/word-lm.safetensors', steps: 6000, lr: 3e-3, batch: 48, seq: 50 });
runLMTraining({
  lm: new nlp.WordLanguageModel({ vocab, ...architectureArgs(options, { embed: 64, hidden: 144, layers: 2, dropout: 0.15 }) }),
  load: (file) => nlp.loadWordLM(file).lm,
  save: nlp.saveWordLM,
  trainIds,
  validIds,
  figure: (bits) => ({ validPerplexity: 2 ** bits }),
  info: {
    corpus: 'brown (every 10th document held out)',
    validation: `held-out tokens ${WORD_TEST_TOKENS}-${WORD_TEST_TOKENS + validIds.length}`,
    batch: run.batchSize,
    window: run.seqLength,
    lr: run.lr,
  },
  ...run,
  evalEvery: options.number('eval-every', 250, { whole: true }),
  keepBest: true,
  minutes: options.has('minutes') ? options.number('minutes', 40) : undefined,
});
