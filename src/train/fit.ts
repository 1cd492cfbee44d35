import type { Param } from '../core/param';
import { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';
import type { Loss } from '../losses/loss';
import type { Sequential } from '../model';
import { CONV1D_TBPTT_REFUSAL } from '../layers/conv1d';
import { clipGradNorm, clipGradValue, gradNorm } from '../optim/clip';
import type { Optimizer } from '../optim/optimizer';
import { adam } from '../optim/optimizers';
import type { Schedule } from '../optim/schedules';
import { fromArray } from '../core/dtype';
import { saveCheckpoint } from './checkpoint';
import { DataError, takeBatch, timeWindow, validateDataset, type Batch, type Dataset } from './dataset';
import { NonFiniteError } from './errors';
import type { FitState, History } from './fit-state';
import { formatEpoch, type BatchReport, type EpochReport, type FitCallback } from './progress';
import { number, optional, positiveInteger } from '../io/field-checks';

export interface EarlyStopping {
  /** Epochs without improvement of the monitored loss before stopping. */
  patience: number;
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

export interface TrainStepOptions {
  loss: Loss;
  optimizer: Optimizer;
  clipNorm?: number;
  clipValue?: number;
  /** Window length for truncated BPTT; omitted means full BPTT over the whole sequence. */
  tbptt?: number;
}

export interface FitOptions extends Partial<TrainStepOptions> {
  loss: Loss;
  epochs: number;
  batchSize?: number;
  shuffle?: boolean;
  validation?: Dataset;
  schedule?: Schedule;
  earlyStopping?: EarlyStopping;
  /** Seed for shuffling (default: the model's seed). */
  seed?: number;
  /** Where progress lines go; false for silence. Default: console.log. */
  log?: ((line: string) => void) | false;
  onEpochEnd?: (report: EpochReport) => void | 'stop';
  /** Progress hooks, such as rnnkit/notebook's liveTraining(). */
  callbacks?: FitCallback[];
  /**
   * Write a checkpoint (atomically) every `everyEpochs` epochs (default 1) and when interrupted;
   * `spec` (any JSON) is stored with it, for the caller to check on resume.
   */
  checkpoint?: { path: string; everyEpochs?: number; spec?: unknown };
  /** Continue a run from a checkpoint's state (see loadCheckpoint). */
  resumeFrom?: FitState;
}

/** Counters shared by the steps of one fit, so errors can say which step failed. */
export interface StepCounter {
  step: number;
}

/**
 * One optimisation step on a batch (or, with tbptt, one step per window, carrying the
 * recurrent state across windows without backpropagating through it).
 * Returns the loss summed over counted elements, the count, and the last gradient norm.
 */
export function trainStep(
  model: Sequential,
  batch: Batch,
  opts: TrainStepOptions,
  counter: StepCounter = { step: 0 },
): { lossSum: number; count: number; gradNorm: number } {
  const params = model.params();
  const recurrent = model.recurrentLayers();
  const windows: Batch[] = [];
  if (opts.tbptt && opts.tbptt < batch.x.time) {
    if (recurrent.some((l) => l.directions.length > 1 || !l.returnSequences)) {
      throw new ShapeError('truncated BPTT needs unidirectional recurrent layers that return sequences');
    }
    if (model.layers.some((l) => l.type === 'conv1d')) throw new ShapeError(CONV1D_TBPTT_REFUSAL);
    for (let s = 0; s < batch.x.time; s += opts.tbptt) windows.push(timeWindow(batch, s, Math.min(opts.tbptt, batch.x.time - s)));
  } else {
    windows.push(batch);
  }
  for (const l of recurrent) l.initialState = null;
  let lossSum = 0;
  let count = 0;
  let norm = 0;
  try {
    for (const w of windows) {
      counter.step++;
      model.zeroGrad();
      const out = model.forward(w.x, { lengths: w.lengths, training: true });
      const r = opts.loss.compute(out, w.y, w.lengths);
      if (!Number.isFinite(r.loss)) throw new NonFiniteError(counter.step, 'the loss', r.loss);
      model.backward(r.grad);
      norm = checkedGradNorm(params, counter.step);
      if (opts.clipNorm !== undefined) clipGradNorm(params, opts.clipNorm);
      if (opts.clipValue !== undefined) clipGradValue(params, opts.clipValue);
      opts.optimizer.step(params);
      lossSum += r.loss * r.count;
      count += r.count;
      // Carry the state into the next window, detached (gradients stop at the boundary).
      for (const l of recurrent) l.initialState = l.finalState.map((s) => ({ h: s.h.slice(), c: s.c?.slice() }));
    }
  } finally {
    for (const l of recurrent) l.initialState = null;
  }
  return { lossSum, count, gradNorm: norm };
}

function checkedGradNorm(params: (Param & { qualifiedName?: string })[], step: number): number {
  const norm = gradNorm(params);
  if (Number.isFinite(norm)) return norm;
  for (const p of params) {
    for (let i = 0; i < p.grad.length; i++) {
      if (!Number.isFinite(p.grad[i])) throw new NonFiniteError(step, `the gradient of ${p.qualifiedName ?? p.name} [${i}]`, p.grad[i]);
    }
  }
  throw new NonFiniteError(step, 'the global gradient norm', norm);
}

/** Mean loss over a dataset, in inference mode. */
export function evaluate(model: Sequential, ds: Dataset, loss: Loss, batchSize = 64): number {
  validateDataset(ds, model.inputFeatures, 'evaluation data');
  let sum = 0;
  let count = 0;
  for (let s = 0; s < ds.x.batch; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, ds.x.batch - s) }, (_, k) => s + k);
    const b = takeBatch(ds, idx);
    const r = loss.compute(model.forward(b.x, { lengths: b.lengths }), b.y, b.lengths);
    sum += r.loss * r.count;
    count += r.count;
  }
  return count > 0 ? sum / count : 0;
}

interface Run {
  model: Sequential;
  train: Dataset;
  opts: FitOptions;
  optimizer: Optimizer;
  state: FitState;
  rng: Rng;
  log: (line: string) => void;
}

function startRun(model: Sequential, train: Dataset, opts: FitOptions): Run {
  validateDataset(train, model.inputFeatures, 'training data');
  if (opts.validation) validateDataset(opts.validation, model.inputFeatures, 'validation data');
  if (!(Number.isInteger(opts.epochs) && opts.epochs > 0)) throw new RangeError(`epochs must be a positive integer, got ${opts.epochs}`);
  // A zero batch size would never advance, a negative clip norm would flip the gradient.
  optional(opts.batchSize, (v) => positiveInteger('batchSize', v, Number.MAX_SAFE_INTEGER));
  optional(opts.tbptt, (v) => positiveInteger('tbptt', v, Number.MAX_SAFE_INTEGER));
  optional(opts.clipNorm, (v) => number('clipNorm', v, { min: 0, exclusiveMin: true }));
  optional(opts.clipValue, (v) => number('clipValue', v, { min: 0, exclusiveMin: true }));
  const optimizer = opts.optimizer ?? adam();
  const quiet = opts.log === false || (opts.log === undefined && opts.callbacks?.some((c) => c.showsProgress));
  const log = quiet ? () => undefined : opts.log || ((line: string) => console.log(line));
  const rng = new Rng(opts.seed ?? model.config.seed);
  const N = train.x.batch;
  let state: FitState;
  if (opts.resumeFrom) {
    state = opts.resumeFrom;
    state.history.interrupted = false;
    if (state.order.length !== N) throw new DataError(`the checkpoint was made with ${state.order.length} training sequences, this data has ${N}`);
    rng.setState(state.shuffleRng);
    model.rng.setState(state.modelRng);
    optimizer.setState(state.optimizer);
    optimizer.lr = state.lr;
  } else {
    state = {
      epoch: 0, batchStart: 0, order: Array.from({ length: N }, (_, i) => i), shuffleRng: rng.getState(), modelRng: model.rng.getState(),
      optimizer: optimizer.getState(), lr: optimizer.lr, step: 0, epochLossSum: 0, epochCount: 0, epochNormSum: 0, epochBatches: 0,
      history: { loss: [], valLoss: [], lr: [], gradNorm: [], bestEpoch: 0, stoppedEarly: false, interrupted: false },
      best: Infinity, sinceBest: 0, bestWeights: null, elapsedSeconds: 0, finished: false,
    };
  }
  return { model, train, opts, optimizer, state, rng, log };
}

/**
 * Brings the serializable parts of the state up to date (RNGs, optimizer) for a checkpoint written
 * at once: the optimizer's moments are not copied when it can show them (large models).
 */
function snapshot(run: Run): FitState {
  const { state } = run;
  state.shuffleRng = run.rng.getState();
  state.modelRng = run.model.rng.getState();
  state.optimizer = run.optimizer.peekState?.() ?? run.optimizer.getState();
  state.lr = run.optimizer.lr;
  return state;
}

/**
 * The training loop as a generator: it yields after every batch (a point where the state
 * is consistent and can be checkpointed) and returns when training is over.
 */
function* trainingLoop(run: Run): Generator<'batch' | 'epoch', void> {
  const { model, train, opts, optimizer, state, rng } = run;
  const N = train.x.batch;
  const batchSize = opts.batchSize ?? 32;
  const stepOpts: TrainStepOptions = { ...opts, optimizer };
  const counter: StepCounter = { step: state.step };
  let t0 = Date.now() - state.elapsedSeconds * 1000;
  const order = Int32Array.from(state.order);
  while (!state.finished && state.epoch < opts.epochs) {
    if (state.batchStart === 0) {
      if (opts.schedule) optimizer.lr = opts.schedule(state.epoch);
      if (opts.shuffle ?? true) rng.shuffle(order);
      state.order = Array.from(order);
      state.epochLossSum = state.epochCount = state.epochNormSum = state.epochBatches = 0;
    }
    while (state.batchStart < N) {
      const s = state.batchStart;
      const r = trainStep(model, takeBatch(train, order.subarray(s, Math.min(N, s + batchSize))), stepOpts, counter);
      state.epochLossSum += r.lossSum;
      state.epochCount += r.count;
      state.epochNormSum += r.gradNorm;
      state.epochBatches++;
      state.batchStart = Math.min(N, s + batchSize);
      state.step = counter.step;
      state.elapsedSeconds = (Date.now() - t0) / 1000;
      reportBatch(run);
      if (state.batchStart < N) yield 'batch';
    }
    endEpoch(run, batchSize);
    state.elapsedSeconds = (Date.now() - t0) / 1000;
    t0 = Date.now() - state.elapsedSeconds * 1000;
    yield 'epoch';
  }
  state.finished = true;
}

const batchesPerEpoch = (run: Run): number => Math.ceil(run.train.x.batch / (run.opts.batchSize ?? 32));

function reportBatch(run: Run): void {
  const { state, opts } = run;
  if (!opts.callbacks?.some((c) => c.onBatchEnd)) return;
  const batches = batchesPerEpoch(run);
  const done = state.epoch * batches + state.epochBatches;
  const report: BatchReport = {
    epoch: state.epoch + 1, epochs: opts.epochs, batch: state.epochBatches, batches, step: state.step,
    loss: state.epochCount > 0 ? state.epochLossSum / state.epochCount : 0,
    seconds: state.elapsedSeconds, etaSeconds: (state.elapsedSeconds / done) * (opts.epochs * batches - done),
  };
  for (const c of opts.callbacks) c.onBatchEnd?.(report);
}

function beginTraining(run: Run): void {
  const info = { epochs: run.opts.epochs, batches: batchesPerEpoch(run), samples: run.train.x.batch };
  for (const c of run.opts.callbacks ?? []) c.onTrainBegin?.(info);
}

function endTraining(run: Run): History {
  for (const c of run.opts.callbacks ?? []) c.onTrainEnd?.(run.state.history);
  return run.state.history;
}

function endEpoch(run: Run, batchSize: number): void {
  const { model, opts, optimizer, state, log } = run;
  const { history } = state;
  const loss = state.epochCount > 0 ? state.epochLossSum / state.epochCount : 0;
  const valLoss = opts.validation ? evaluate(model, opts.validation, opts.loss, batchSize) : undefined;
  history.loss.push(loss);
  history.gradNorm.push(state.epochNormSum / Math.max(1, state.epochBatches));
  history.lr.push(optimizer.lr);
  if (valLoss !== undefined) history.valLoss.push(valLoss);
  const epoch = state.epoch;
  const elapsed = state.elapsedSeconds;
  const report: EpochReport = {
    epoch: epoch + 1, epochs: opts.epochs, loss, valLoss, lr: optimizer.lr,
    seconds: elapsed, etaSeconds: (elapsed / (epoch + 1)) * (opts.epochs - epoch - 1),
  };
  log(formatEpoch(report));
  state.epoch++;
  state.batchStart = 0;
  const monitored = valLoss ?? loss;
  if (monitored < state.best - (opts.earlyStopping?.minDelta ?? 0)) {
    state.best = monitored;
    history.bestEpoch = epoch;
    state.sinceBest = 0;
    if (opts.earlyStopping) state.bestWeights = model.getWeights();
  } else {
    state.sinceBest++;
  }
  if (opts.onEpochEnd?.(report) === 'stop') state.finished = true;
  for (const c of opts.callbacks ?? []) if (c.onEpochEnd?.(report) === 'stop') state.finished = true;
  if (opts.earlyStopping && state.sinceBest >= opts.earlyStopping.patience) {
    history.stoppedEarly = true;
    state.finished = true;
    if ((opts.earlyStopping.restoreBest ?? true) && state.bestWeights) model.setWeights(state.bestWeights.map((w) => fromArray(model.dtype, w)));
    log(`early stopping after epoch ${epoch + 1}: best ${valLoss !== undefined ? 'val_loss' : 'loss'} ${state.best.toPrecision(4)} at epoch ${history.bestEpoch + 1}`);
  }
}

function maybeCheckpoint(run: Run, when: 'epoch' | 'interrupt'): void {
  const cp = run.opts.checkpoint;
  if (!cp) return;
  const every = cp.everyEpochs ?? 1;
  if (when === 'epoch' && run.state.epoch % every !== 0 && !run.state.finished) return;
  saveCheckpoint(cp.path, run.model, snapshot(run), cp.spec);
  if (when === 'interrupt') run.log(`interrupted: checkpoint written to ${cp.path} (epoch ${run.state.epoch + 1}, batch start ${run.state.batchStart})`);
}

/**
 * Mini-batch training with shuffling, validation, LR schedule, clipping, early stopping,
 * truncated BPTT and checkpoints. Synchronous; see fitAsync for interruptible training.
 */
export function fit(model: Sequential, train: Dataset, opts: FitOptions): History {
  const run = startRun(model, train, opts);
  beginTraining(run);
  for (const point of trainingLoop(run)) if (point === 'epoch') maybeCheckpoint(run, 'epoch');
  return endTraining(run);
}

/**
 * Like fit, but yields to the event loop after every batch, so that `signal` (e.g. wired
 * to SIGINT) can stop training at the next batch boundary. On abort it writes the
 * checkpoint (when configured) and returns with history.interrupted = true; resuming from
 * that checkpoint gives bit-identical results to an uninterrupted run.
 */
export async function fitAsync(model: Sequential, train: Dataset, opts: FitOptions & { signal?: AbortSignal }): Promise<History> {
  const run = startRun(model, train, opts);
  beginTraining(run);
  for (const point of trainingLoop(run)) {
    if (point === 'epoch') maybeCheckpoint(run, 'epoch');
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted && !run.state.finished) {
      run.state.history.interrupted = true;
      maybeCheckpoint(run, 'interrupt');
      break;
    }
  }
  return endTraining(run);
}
