/**
 * Trains the character language model shipped in models/char-lm.safetensors on the Brown corpus
 * (90% of the documents; every 10th is held out). The first 100,000 held-out characters are the
 * test text the notebook reports; validation during training scores the 50,000 after them, so the
 * figure that picks nothing here is never the one reported. Writes a checkpoint at every evaluation
 * and resumes from it with --resume.
 * Usage: npm run train:charlm -- [--steps 10000] [--hidden 256] [--layers 1] [--dropout 0]
 *   [--embed 32] [--batch 32] [--seq 100] [--lr 3e-3] [--out models/char-lm.safetensors] [--resume]
 */
import { existsSync } from 'node:fs';
import { adam, brownTrainValidText, cosineLR, nlp, writeFileAtomic } from '../src';
import { readJson } from '../src/io/read-file';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const steps = Number(arg('steps', '10000'));
const hidden = Number(arg('hidden', '256'));
const layers = Number(arg('layers', '1'));
const dropout = Number(arg('dropout', '0'));
const embeddingDim = Number(arg('embed', '32'));
const batchSize = Number(arg('batch', '32'));
const seqLength = Number(arg('seq', '100'));
const out = arg('out', 'models/char-lm.safetensors');
const checkpoint = `${out}.checkpoint.json`;
const lr = Number(arg('lr', '3e-3'));

const { train, valid } = brownTrainValidText();
const vocab = nlp.CharVocabulary.fromText(train, 5);
const trainIds = vocab.encode(train);
const validIds = vocab.encode(valid.slice(100000, 150000));
const optimizer = adam({ lr });
let lm = new nlp.CharLanguageModel({ vocab, cell: 'lstm', embeddingDim, hiddenSize: hidden, layers, dropout, seed: 1 });
let startStep = 0;
if (process.argv.includes('--resume') && existsSync(checkpoint)) {
  const state = readJson(checkpoint, (p) => new Error(`${checkpoint}: ${p}`)) as { step: number; rng: number[]; optimizer: ReturnType<typeof optimizer.getState> };
  lm = nlp.loadCharLM(out).lm;
  optimizer.setState(state.optimizer);
  lm.rng.setState(state.rng);
  startStep = state.step;
  console.log(`resuming at step ${startStep}`);
}
console.log(`training ${lm.model.parameterCount()} parameters on ${trainIds.length} characters, vocabulary ${vocab.size}`);
const history = lm.train(trainIds, {
  steps,
  batchSize,
  seqLength,
  optimizer,
  startStep,
  schedule: cosineLR(lr, steps, lr / 30),
  clipNorm: 1,
  validIds,
  evalEvery: 250,
  onEval: (step, h) => {
    nlp.saveCharLM(lm, out, { steps: step, corpus: 'brown (every 10th document held out)', validation: 'held-out characters 100,000-150,000', validBpc: h.validBpc[h.validBpc.length - 1] });
    writeFileAtomic(checkpoint, JSON.stringify({ step, rng: lm.rng.getState(), optimizer: optimizer.getState() }));
  },
});
console.log(`done in ${history.seconds.toFixed(0)} s`);
