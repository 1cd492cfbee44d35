/**
 * Trains the digit/command transcriber: bidirectional GRU x2 + dense, CTC loss, on the
 * synthesised corpus in data/speech (npm run speech:corpus first). Prints progress and
 * validation WER every epoch, writes a checkpoint after every epoch (--resume continues),
 * keeps the best model by validation WER (of the moving average of the weights with --average decay),
 * and exports it to speech.json and speech.onnx in --models-dir (default models/). Usage: npm run train:speech -- [--epochs 24] [--batch 32] [--hidden 128] [--conv-filters 0] [--lr 2e-3] [--seed 17] [--average 0] [--models-dir models] [--no-spec-augment] [--warp 0] [--resume] [--data data/speech] [--replace-ensemble] [--init MODEL.json]
 * --init starts from a saved model's weights (fine-tuning; its layers must be the ones the options build) with a fresh optimizer.
 * With --models-dir, the checkpoint is kept there too, so that several runs can train side by side.
 * The shipped models/speech.onnx is an ensemble (scripts/make-speech-ensemble.ts) of four such runs, each then fine-tuned
 * with --init (README, "The gated fine-tuning"): a run whose
 * folder holds an ensemble's speech.onnx is refused before it starts, unless --replace-ensemble says to write this one
 * model over it; otherwise give the run a --models-dir of its own (its speech.json can then join an ensemble).
 */
import * as fs from 'fs';
import * as path from 'path';
import { adam, architectureDifference, Sequential, trainStep, saveModel, loadModel, type Optimizer } from '../src';
import { Rng } from '../src/core/rng';
import { WeightAverage } from '../src/optim/weight-average';
import { ctc } from '../src/losses/ctc';
import { saveOnnx } from '../src/onnx/export';
import { ensembleMemberCountOfFile } from '../src/onnx/ensemble';
import { formatDuration } from '../src/train/progress';
import { requireSameSettings } from '../src/train/resume-settings';
import { loadSpeechCheckpoint, saveSpeechCheckpoint, type SpeechTrainingState } from '../src/speech/training-checkpoint';
import { greedyDecode } from '../src/decode/ctc-decode';
import { loadCorpus, type Corpus } from '../src/speech/corpus';
import { corpusBatch, lengthBuckets } from '../src/speech/dataset';
import { maskBatch } from '../src/speech/spec-augment';
import { MAX_WARP_STRENGTH, warpBatch } from '../src/speech/cepstral-warp';
import { Scoreboard } from '../src/speech/metrics';
import { CLASSES, decodeWords, utteranceKind } from '../src/speech/vocabulary';
import { ScriptOptions } from './options';

const options = new ScriptOptions({
  values: ['epochs', 'batch', 'lr', 'hidden', 'conv-filters', 'seed', 'average', 'data', 'models-dir', 'init', 'warp'],
  flags: ['no-spec-augment', 'resume', 'replace-ensemble'],
});
const EPOCHS = options.number('epochs', 24, { whole: true });
const BATCH = options.number('batch', 32, { whole: true });
const LR = options.number('lr', 2e-3);
const HIDDEN = options.number('hidden', 128, { whole: true });
/** Filters of a convolution front end over 5 steps (100 ms) before the GRUs; 0: none. */
const CONV_FILTERS = options.number('conv-filters', 0, { whole: true });
/** Seeds the initial weights (the batch order's seed follows from it); with --init only the batch order and masks, the
 * model's dropout keeping the seed of the --init file's config. */
const SEED = options.number('seed', 17, { whole: true });
/** Decay of the weights' moving average that validation and the saved model use (0: the last weights). */
const AVERAGE = options.number('average', 0);
/** Time and cepstral masking of training batches (src/speech/spec-augment.ts). */
const SPEC_AUGMENT = !options.flag('no-spec-augment');
/** Strength of the cepstral warp of each training utterance (src/speech/cepstral-warp.ts); 0: none. */
const WARP = options.number('warp', 0);
if (!(WARP >= 0 && WARP <= MAX_WARP_STRENGTH)) throw new Error(`--warp is a strength in [0, ${MAX_WARP_STRENGTH}], not ${WARP}`);
const ROOT = path.join(__dirname, '..');
const DATA = options.path('data', path.join(ROOT, 'data', 'speech'));
const MODELS = options.path('models-dir', path.join(ROOT, 'models'));
const CKPT_DIR = options.has('models-dir') ? MODELS : DATA;
const CKPT = path.join(CKPT_DIR, 'train-checkpoint.safetensors');
/** Checkpoints were JSON, with the weights in a file of each epoch beside them: still resumed from, then removed. */
const isJsonLayoutFile = (name: string) => /^train-checkpoint(-model-\d+)?\.json$/.test(name);
/** A saved model whose weights training starts from (fine-tuning); none: fresh weights from --seed. */
const INIT = options.has('init') ? options.path('init', '') : '';

/** Refuses, before the corpus is read, a run that would write its one model over an ensemble's speech.onnx. */
function refuseToReplaceEnsemble(): void {
  const onnxFile = path.join(MODELS, 'speech.onnx');
  if (options.flag('replace-ensemble') || !fs.existsSync(onnxFile)) return;
  const members = ensembleMemberCountOfFile(onnxFile);
  if (members > 1) {
    throw new Error(`${onnxFile} is an ensemble of ${members} models, which this run would replace with its one model: ` +
      'give the run a folder of its own with --models-dir DIR (its speech.json can then join an ensemble: npm run speech:ensemble), ' +
      'or write the one model over the ensemble with --replace-ensemble');
  }
}

/** The checkpoint to resume from (or one of the JSON layout before it); refused when missing or made with other settings. */
function readCheckpoint(settings: SpeechTrainingState['settings']): ReturnType<typeof loadSpeechCheckpoint> & { file: string } {
  const jsonLayout = path.join(CKPT_DIR, 'train-checkpoint.json');
  const file = fs.existsSync(CKPT) ? CKPT : fs.existsSync(jsonLayout) ? jsonLayout : null;
  if (!file) throw new Error(`--resume: no checkpoint at ${CKPT} (a run with --models-dir keeps it there)`);
  const ck = loadSpeechCheckpoint(file);
  // Checkpoints from before --conv-filters, --init and --warp had none of them.
  requireSameSettings(file, { convFilters: 0, init: '', warp: 0, ...ck.state.settings }, settings);
  return { ...ck, file };
}

/** The --init model, refused unless its layers and inputs are the ones the options build (`fresh`). */
function initialModel(fresh: Sequential): Sequential {
  const init = loadModel(INIT);
  const d = architectureDifference(init.config, fresh.config);
  if (d) {
    throw new Error(`--init ${INIT}: its layers (${init.summary()}) are not the ones these options build (${fresh.summary()}: ${d}); give the options it was trained with (--hidden, --conv-filters)`);
  }
  return init;
}

function werOf(board: Scoreboard): number {
  return board.lines().find(([g]) => g === 'all')![1].wer;
}

function evaluateWer(model: Sequential, corpus: Corpus): Scoreboard {
  const board = new Scoreboard();
  for (const ids of lengthBuckets(corpus, 64)) {
    const b = corpusBatch(corpus, ids);
    const out = model.predict(b.x, b.lengths);
    ids.forEach((id, k) => {
      const u = corpus.utterances[id];
      const hyp = decodeWords(greedyDecode(out.data.subarray(k * out.time * CLASSES), b.lengths[k], CLASSES));
      board.add(`${utteranceKind(u.text)}/${u.condition}`, u.text, hyp);
      board.add('all', u.text, hyp);
    });
  }
  return board;
}

function main(): void {
  refuseToReplaceEnsemble();
  const train = loadCorpus(path.join(DATA, 'train'));
  const val = loadCorpus(path.join(DATA, 'val'), { views: false }); // epochs are picked on the clip as recorded
  // Training features never go through WPE, so validation features that did would pick epochs on another front end.
  if (val.dereverberated) throw new Error(`${path.join(DATA, 'val')} holds features through WPE (speech:corpus --dereverb), the training features never do: validate on a corpus made without --dereverb`);
  let model = new Sequential({
    inputFeatures: train.featureDim, seed: SEED,
    layers: [
      ...(CONV_FILTERS > 0 ? [{ type: 'conv1d' as const, filters: CONV_FILTERS, kernelSize: 5, activation: 'relu' as const }] : []),
      { type: 'gru', hiddenSize: HIDDEN, bidirectional: true },
      { type: 'dropout', rate: 0.25 },
      { type: 'gru', hiddenSize: HIDDEN, bidirectional: true },
      { type: 'dense', units: CLASSES },
    ],
  });
  // A resumed run takes its weights from the checkpoint (whose settings name the --init it started from).
  if (INIT && !options.flag('resume')) model = initialModel(model);
  const optimizer: Optimizer = adam({ lr: LR });
  let startEpoch = 0;
  let bestWer = Infinity;
  // What a resumed run must keep (epochs and lr may change: a run can be extended).
  const settings = { seed: SEED, hidden: HIDDEN, convFilters: CONV_FILTERS, batch: BATCH, average: AVERAGE, specAugment: SPEC_AUGMENT, init: INIT, warp: WARP };
  const rng = new Rng(SEED - 12); // seed 17 keeps the shipped model's batch order (Rng(5))
  const ck = options.flag('resume') ? readCheckpoint(settings) : null;
  if (ck) {
    model = ck.model;
    optimizer.setState(ck.state.optimizer);
    startEpoch = ck.state.epoch;
    bestWer = ck.state.bestWer;
    rng.setState(ck.state.batchRng);
    model.rng.setState(ck.state.dropoutRng);
    console.log(`resuming after epoch ${startEpoch}`);
  }
  const params = model.params();
  const average = AVERAGE > 0 ? new WeightAverage(params, AVERAGE) : null;
  if (average && ck) {
    const saved = ck.state.average; // the loader checked its sizes against the model
    if (!saved) throw new Error(`${ck.file} holds no weight average of this model to resume --average ${AVERAGE} from`);
    average.updates = saved.updates;
    saved.values.forEach((v, k) => average.values[k].set(v));
  }
  console.log(`${train.utterances.length} training and ${val.utterances.length} validation utterances\n${model.summary()}`);
  // Where fine-tuning starts, for comparison (it does not compete with the epochs: each run saves its best epoch).
  if (INIT && !ck) console.log(`--init ${INIT}: val WER ${(100 * werOf(evaluateWer(model, val))).toFixed(2)}% before fine-tuning`);
  const loss = ctc();
  const buckets = lengthBuckets(train, BATCH);
  const t0 = Date.now();
  fs.mkdirSync(MODELS, { recursive: true });
  for (let epoch = startEpoch; epoch < EPOCHS; epoch++) {
    optimizer.lr = LR * (epoch < EPOCHS * 0.6 ? 1 : epoch < EPOCHS * 0.85 ? 0.3 : 0.1);
    const order = buckets.map((_, i) => i);
    rng.shuffle(order);
    let sum = 0;
    let count = 0;
    const te = Date.now();
    order.forEach((bi, k) => {
      const batch = corpusBatch(train, buckets[bi]);
      if (WARP > 0) warpBatch(batch, rng, WARP);
      if (SPEC_AUGMENT) maskBatch(batch, rng);
      const r = trainStep(model, batch, { loss, optimizer, clipNorm: 5 });
      average?.update(params);
      sum += r.lossSum;
      count += r.count;
      if ((k + 1) % 50 === 0) process.stdout.write(`  epoch ${epoch + 1} batch ${k + 1}/${order.length} loss ${(sum / count).toFixed(3)}\r`);
    });
    // Validation, and the saved model, use the averaged weights; training goes on from the last ones.
    average?.apply(params);
    const board = evaluateWer(model, val);
    const wer = werOf(board);
    const elapsed = (Date.now() - t0) / 1000;
    const done = epoch + 1 - startEpoch;
    console.log(`epoch ${epoch + 1}/${EPOCHS} - ctc ${(sum / count).toFixed(4)} - val WER ${(100 * wer).toFixed(2)}% - lr ${optimizer.lr.toExponential(1)} - ${formatDuration((Date.now() - te) / 1000)}/epoch - ETA ${formatDuration((elapsed / done) * (EPOCHS - epoch - 1))}`);
    if (wer < bestWer) {
      bestWer = wer;
      saveModel(model, path.join(MODELS, 'speech.json'));
      saveOnnx(model, path.join(MODELS, 'speech.onnx'), { initialStateInputs: false });
      console.log(`  best so far: saved ${path.join(MODELS, 'speech.{json,onnx}')}\n${board.format().replace(/^/gm, '  ')}`);
    }
    average?.restore(params);
    saveSpeechCheckpoint(CKPT, model, {
      epoch: epoch + 1, optimizer: optimizer.peekState?.() ?? optimizer.getState(), bestWer, settings,
      batchRng: rng.getState(), dropoutRng: model.rng.getState(), average: average ? { updates: average.updates, values: average.values } : undefined,
    });
    // The new checkpoint is whole: one of the JSON layout that this run resumed from is out of date.
    for (const name of fs.readdirSync(CKPT_DIR).filter(isJsonLayoutFile)) fs.rmSync(path.join(CKPT_DIR, name), { force: true });
  }
}

main();
