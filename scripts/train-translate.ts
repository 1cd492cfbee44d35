/**
 * Trains the English→Spanish translator (issue #14) on data/translation/eng-spa.tsv.gz (npm run
 * translate:corpus makes it): BPE on the training side, bidirectional GRU encoder, attention
 * decoder, teacher forcing on length-bucketed batches. Every epoch: validation loss and greedy
 * BLEU/chrF on the validation sentences; the best epoch by validation BLEU is saved to
 * models/translate-eng-spa.safetensors; a checkpoint (model, optimizer, epoch) is written to
 * data/translation-train/ and --resume continues from it. --minutes stops before an epoch would
 * end past the budget. Usage: npm run train:translate -- [--epochs 20] [--minutes 45] [--hidden 256]
 *   [--embedding 128] [--merges 2000] [--batch 64] [--lr 2e-3] [--out models/translate-eng-spa.safetensors] [--resume]
 */
import * as fs from 'fs';
import * as path from 'path';
import { adam } from '../src/optim/optimizers';
import { clipGradNorm } from '../src/optim/clip';
import { Rng } from '../src/core/rng';
import { formatDuration } from '../src/train/progress';
import { NonFiniteError } from '../src/train/errors';
import { corpusSplit, loadParallelCorpus } from '../src/translate/parallel-corpus';
import { Translator } from '../src/translate/translator';
import { loadTranslator, saveTranslator } from '../src/translate/translator-file';
import { lengthBatches } from '../src/translate/batches';
import { scoreTranslations } from '../src/translate/evaluate';
import type { SafeTensor } from '../src/io/safetensors';
import { tensorValues } from '../src/io/safetensors';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const EPOCHS = arg('epochs', 20);
const MINUTES = arg('minutes', Infinity);
const BATCH = arg('batch', 64);
const LR = arg('lr', 2e-3);
const ROOT = path.join(__dirname, '..');
const OUT = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : path.join(ROOT, 'models', 'translate-eng-spa.safetensors');
const CKPT = path.join(ROOT, 'data', 'translation-train', 'checkpoint.safetensors');

interface RunState {
  epoch: number;
  optimizerStep: number;
  bestBleu: number;
  history: { epoch: number; loss: number; validLoss: number; validBleu: number; validChrf: number; seconds: number }[];
}

const pairs = loadParallelCorpus();
const train = corpusSplit(pairs, 'train');
const valid = corpusSplit(pairs, 'valid');
const optimizer = adam({ lr: LR });
let translator: Translator;
let state: RunState = { epoch: 0, optimizerStep: 0, bestBleu: -1, history: [] };
if (args.includes('--resume') && fs.existsSync(CKPT)) {
  const loaded = loadTranslator(CKPT);
  translator = loaded.translator;
  state = JSON.parse(loaded.decoded.metadata.run) as RunState;
  const buffers = [...loaded.decoded.tensors.entries()].filter(([n]) => n.startsWith('optimizer.')).sort((a, b) => Number(a[0].split('.')[2]) - Number(b[0].split('.')[2]));
  optimizer.setState({ step: state.optimizerStep, slots: { buffers: buffers.map(([, t]) => tensorValues(t)) } });
  console.log(`resuming after epoch ${state.epoch}`);
} else {
  translator = Translator.learn({ merges: arg('merges', 2000), cell: 'gru', embeddingDim: arg('embedding', 128), hiddenSize: arg('hidden', 256), attention: 'general', seed: 1 }, train);
}
const model = translator.model;
const params = model.params();
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
  const tensors: SafeTensor[] = (slots.buffers ?? []).map((b, k) => ({ name: `optimizer.buffers.${k}`, dtype: 'F32', shape: [b.length], data: Float32Array.from(b) }));
  fs.mkdirSync(path.dirname(CKPT), { recursive: true });
  saveTranslator(translator, CKPT, {}, { tensors, metadata: { run: JSON.stringify({ ...state, optimizerStep: step }) } });
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
    sum += r.loss * r.count;
    count += r.count;
    if ((k + 1) % 25 === 0) {
      const sec = (Date.now() - te) / 1000;
      process.stdout.write(`  epoch ${epoch + 1} batch ${k + 1}/${order.length} loss ${(sum / count).toFixed(3)} ${(count / sec).toFixed(0)} tok/s, epoch ETA ${formatDuration((sec / (k + 1)) * (order.length - k - 1))}   \r`);
    }
  });
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
    saveTranslator(translator, OUT, { corpus: 'data/translation/eng-spa.tsv.gz (Brown through Apertium eng-spa 0.8.1)', epochs: epoch + 1, validBleuGreedy: scores.bleu, validChrfGreedy: scores.chrf, history: state.history });
    console.log(`  best so far: saved ${OUT}`);
  }
  saveCheckpoint();
  if (elapsed + perEpoch > MINUTES * 60 && epoch + 1 < EPOCHS) {
    console.log(`stopping: another epoch would pass the ${MINUTES}-minute budget (--resume continues)`);
    break;
  }
}
console.log(`done in ${formatDuration((Date.now() - t0) / 1000)}; best validation BLEU ${state.bestBleu.toFixed(2)}`);
