/**
 * Trains the English→Spanish translator (issue #14) on data/translation/eng-spa.tsv.gz (npm run
 * translate:corpus makes it): one BPE for both languages learnt on the training side, bidirectional
 * GRU encoder, attention decoder, one embedding table for source, target and output (--untied: an
 * encoding and a table per language), dropout, teacher forcing on length-bucketed batches. Every epoch: validation loss and greedy
 * BLEU/chrF on the validation sentences, with the moving average of the weights (--average decay;
 * 0: the last weights); the best epoch by validation BLEU is saved to
 * models/translate-eng-spa.safetensors; a checkpoint (model, optimizer, average, epoch) is written to
 * data/translation-train/ and --resume continues from it. --minutes stops before an epoch would
 * end past the budget. Usage: npm run train:translate -- [--epochs 16] [--minutes 45] [--hidden 256]
 *   [--untied [--embedding 128]] [--merges 8000 (untied: 2000 per language)] [--dropout 0.2] [--average 0.999] [--batch 64] [--lr 2e-3] [--out models/translate-eng-spa.safetensors]
 *   [--checkpoint data/translation-train/checkpoint.safetensors] [--resume] [--pairs n] [--valid-pairs n]
 */
import * as fs from 'fs';
import * as path from 'path';
import { adam } from '../src/optim/optimizers';
import { clipGradNorm } from '../src/optim/clip';
import { WeightAverage } from '../src/optim/weight-average';
import { Rng } from '../src/core/rng';
import { formatDuration } from '../src/train/progress';
import { requireSameSettings } from '../src/train/resume-settings';
import { NonFiniteError } from '../src/train/errors';
import { corpusSplit, loadParallelCorpus } from '../src/translate/parallel-corpus';
import { Translator } from '../src/translate/translator';
import { loadTranslator, saveTranslator } from '../src/translate/translator-file';
import { lengthBatches } from '../src/translate/batches';
import { scoreTranslations } from '../src/translate/evaluate';
import type { DecodedSafetensors } from '../src/io/safetensors';
import { numberedVectors, readNumberedVectors } from '../src/io/numbered-vectors';
import { FileError } from '../src/io/file-error';
import { ScriptOptions } from './options';

const options = new ScriptOptions({
  values: ['epochs', 'minutes', 'batch', 'lr', 'average', 'out', 'checkpoint', 'hidden', 'merges', 'embedding', 'dropout', 'pairs', 'valid-pairs'],
  flags: ['resume', 'untied'],
});
const EPOCHS = options.number('epochs', 16, { whole: true });
const MINUTES = options.number('minutes', Infinity, { unlimited: true });
const BATCH = options.number('batch', 64, { whole: true });
const LR = options.number('lr', 2e-3);
const AVERAGE = options.number('average', 0.999);
const ROOT = path.join(__dirname, '..');
const OUT = options.path('out', path.join(ROOT, 'models', 'translate-eng-spa.safetensors'));
const CKPT = options.path('checkpoint', path.join(ROOT, 'data', 'translation-train', 'checkpoint.safetensors'));

interface RunState {
  epoch: number;
  optimizerStep: number;
  /** How many optimizer.buffers.<k> tensors the checkpoint holds (absent in checkpoints written before it was stored). */
  optimizerBuffers?: number;
  averageUpdates?: number;
  dropoutState?: number[];
  /** What a resumed run must keep: the same data, batches and average. */
  settings?: Record<string, number>;
  bestBleu: number;
  history: { epoch: number; loss: number; validLoss: number; validBleu: number; validChrf: number; seconds: number }[];
}

const pairs = loadParallelCorpus();
// --pairs / --valid-pairs: the first n of each split (quick runs and checks).
const settings = { pairs: options.number('pairs', Infinity, { whole: true, unlimited: true }), validPairs: options.number('valid-pairs', Infinity, { whole: true, unlimited: true }), batch: BATCH, average: AVERAGE };
const train = corpusSplit(pairs, 'train').slice(0, settings.pairs);
const valid = corpusSplit(pairs, 'valid').slice(0, settings.validPairs);
const optimizer = adam({ lr: LR });
let translator: Translator;
let state: RunState = { epoch: 0, optimizerStep: 0, bestBleu: -1, history: [], settings };
let saved: DecodedSafetensors['tensors'] | null = null;
if (options.flag('resume') && fs.existsSync(CKPT)) {
  const loaded = loadTranslator(CKPT);
  translator = loaded.translator;
  state = JSON.parse(loaded.decoded.metadata.run) as RunState;
  if (state.settings) requireSameSettings(CKPT, state.settings, settings);
  state.settings = settings;
  saved = loaded.decoded.tensors;
  // Older checkpoints did not store the count: they hold exactly the buffers they were saved with.
  const bufferCount = state.optimizerBuffers ?? [...saved.keys()].filter((n) => n.startsWith('optimizer.buffers.')).length;
  const buffers = readNumberedVectors(saved, 'optimizer.buffers', bufferCount, 'F64', (problem) => new FileError(CKPT, problem));
  optimizer.setState({ step: state.optimizerStep, slots: { buffers } });
  if (state.dropoutState) translator.model.dropoutState = state.dropoutState;
  console.log(`resuming after epoch ${state.epoch} (the model's options are the checkpoint's)`);
} else {
  // Default: one encoding and one embedding table for both languages (TranslatorSpec.tied).
  const tied = !options.flag('untied');
  const hidden = options.number('hidden', 256, { whole: true });
  translator = Translator.learn({ merges: options.number('merges', tied ? 8000 : 2000, { whole: true }), cell: 'gru', embeddingDim: options.number('embedding', tied ? hidden : 128, { whole: true }), hiddenSize: hidden, attention: 'general', seed: 1, dropout: options.number('dropout', 0.2), tied }, train);
}
const model = translator.model;
const params = model.params();
const average = AVERAGE > 0 ? new WeightAverage(params, AVERAGE, state.averageUpdates ?? 0) : null;
if (average && saved) {
  const fail = (problem: string) => new FileError(CKPT, `${problem}: no weight average to resume --average ${AVERAGE} from (resume with --average 0)`);
  readNumberedVectors(saved, 'average', params.length, 'F64', fail).forEach((v, k) => average.values[k].set(v));
}
const src = train.map((p) => translator.sourceBpe.encode(p.en));
const tgt = train.map((p) => translator.targetBpe.encode(p.es));
const batches = lengthBatches(src.map((s) => s.length), tgt.map((t) => t.length), BATCH);
const validBatches = lengthBatches(valid.map((p) => translator.sourceBpe.encode(p.en).length), valid.map(() => 0), BATCH);
console.log(
  `${train.length} training pairs (${tgt.reduce((a, t) => a + t.length + 1, 0)} target tokens), ${valid.length} validation; ` +
    `vocabularies ${model.spec.source.size} / ${model.spec.target.size}; ${params.reduce((a, p) => a + p.value.length, 0)} parameters`,
);

function validationLoss(): number {
  let sum = 0;
  let count = 0;
  for (const idx of validBatches) {
    const b = model.makeBatch(idx.map((k) => translator.sourceBpe.encode(valid[k].en)), idx.map((k) => translator.targetBpe.encode(valid[k].es)));
    model.zeroGrad();
    const r = model.lossAndBackward(b, false);
    sum += r.loss * r.count;
    count += r.count;
  }
  return sum / count;
}

function saveCheckpoint(): void {
  const { step, slots } = optimizer.peekState?.() ?? optimizer.getState();
  const buffers = slots.buffers ?? [];
  // Optimizer moments and the average are float64: saved as they are, a resumed run continues bit for bit.
  const tensors = [...numberedVectors('optimizer.buffers', buffers, 'F64'), ...numberedVectors('average', average?.values ?? [], 'F64')];
  fs.mkdirSync(path.dirname(CKPT), { recursive: true });
  const run: RunState = { ...state, optimizerStep: step, optimizerBuffers: buffers.length, averageUpdates: average?.updates, dropoutState: model.dropoutState };
  saveTranslator(translator, CKPT, {}, { tensors, metadata: { run: JSON.stringify(run) } });
}

const t0 = Date.now();
const startEpoch = state.epoch;
for (let epoch = startEpoch; epoch < EPOCHS; epoch++) {
  const te = Date.now();
  // Cosine decay to a tenth of the rate over the planned epochs.
  optimizer.lr = LR * (0.1 + 0.45 * (1 + Math.cos((Math.PI * epoch) / EPOCHS)));
  const order = batches.map((_, i) => i);
  new Rng(1000 + epoch).shuffle(order);
  let sum = 0;
  let count = 0;
  order.forEach((bi, k) => {
    const idx = batches[bi];
    const batch = model.makeBatch(idx.map((i) => src[i]), idx.map((i) => tgt[i]));
    model.zeroGrad();
    const r = model.lossAndBackward(batch);
    if (!Number.isFinite(r.loss)) throw new NonFiniteError(k, 'the loss', r.loss);
    clipGradNorm(params, 1);
    optimizer.step(params);
    average?.update(params);
    sum += r.loss * r.count;
    count += r.count;
    if ((k + 1) % 25 === 0) {
      const sec = (Date.now() - te) / 1000;
      process.stdout.write(`  epoch ${epoch + 1} batch ${k + 1}/${order.length} loss ${(sum / count).toFixed(3)} ${(count / sec).toFixed(0)} tok/s, epoch ETA ${formatDuration((sec / (k + 1)) * (order.length - k - 1))}   \r`);
    }
  });
  // Validation, and the saved model, use the averaged weights; training goes on from the last ones.
  average?.apply(params);
  const validLoss = validationLoss();
  const scores = scoreTranslations(translator.translate(valid.map((p) => p.en), { beam: 1 }), valid.map((p) => p.es));
  state.epoch = epoch + 1;
  state.history.push({ epoch: epoch + 1, loss: sum / count, validLoss, validBleu: scores.bleu, validChrf: scores.chrf, seconds: (Date.now() - te) / 1000 });
  const elapsed = (Date.now() - t0) / 1000;
  const perEpoch = elapsed / (epoch + 1 - startEpoch);
  console.log(
    `epoch ${epoch + 1}/${EPOCHS} - loss ${(sum / count).toFixed(4)} - val_loss ${validLoss.toFixed(4)} - val BLEU ${scores.bleu.toFixed(2)} chrF ${scores.chrf.toFixed(2)} (greedy) - lr ${optimizer.lr.toExponential(1)} - ${formatDuration((Date.now() - te) / 1000)}/epoch - ETA ${formatDuration(perEpoch * (EPOCHS - epoch - 1))}`,
  );
  if (scores.bleu > state.bestBleu) {
    state.bestBleu = scores.bleu;
    saveTranslator(translator, OUT, { corpus: 'data/translation/eng-spa.tsv.gz (Brown through Apertium eng-spa 0.8.1)', epochs: epoch + 1, validBleuGreedy: scores.bleu, validChrfGreedy: scores.chrf, dropout: translator.spec.dropout ?? 0, weightAverage: AVERAGE, history: state.history });
    console.log(`  best so far: saved ${OUT}`);
  }
  average?.restore(params);
  saveCheckpoint();
  if (elapsed + perEpoch > MINUTES * 60 && epoch + 1 < EPOCHS) {
    console.log(`stopping: another epoch would pass the ${MINUTES}-minute budget (--resume continues)`);
    break;
  }
}
console.log(`done in ${formatDuration((Date.now() - t0) / 1000)}; best validation BLEU ${state.bestBleu.toFixed(2)}`);
