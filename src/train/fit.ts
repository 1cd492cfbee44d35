import type { Param } from '../core/param';
import { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';
import type { Loss } from '../losses/loss';
import type { Sequential } from '../model';
import { clipGradNorm, clipGradValue, gradNorm } from '../optim/clip';
import type { Optimizer } from '../optim/optimizer';
import { adam } from '../optim/optimizers';
import type { Schedule } from '../optim/schedules';
import { takeBatch, timeWindow, validateDataset, type Batch, type Dataset } from './dataset';
import { NonFiniteError } from './errors';
import { formatEpoch, type EpochReport } from './progress';

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
}

export interface History {
  loss: number[];
  valLoss: number[];
  lr: number[];
  /** Mean global gradient norm (before clipping) per epoch. */
  gradNorm: number[];
  bestEpoch: number;
  stoppedEarly: boolean;
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

/** Mini-batch training with shuffling, validation, LR schedule, clipping and early stopping. */
export function fit(model: Sequential, train: Dataset, opts: FitOptions): History {
  validateDataset(train, model.inputFeatures, 'training data');
  if (opts.validation) validateDataset(opts.validation, model.inputFeatures, 'validation data');
  if (!(Number.isInteger(opts.epochs) && opts.epochs > 0)) throw new RangeError(`epochs must be a positive integer, got ${opts.epochs}`);
  const optimizer = opts.optimizer ?? adam();
  const batchSize = opts.batchSize ?? 32;
  const log = opts.log === false ? () => undefined : opts.log ?? ((line: string) => console.log(line));
  const rng = new Rng(opts.seed ?? model.config.seed);
  const N = train.x.batch;
  const order = Int32Array.from({ length: N }, (_, i) => i);
  const history: History = { loss: [], valLoss: [], lr: [], gradNorm: [], bestEpoch: 0, stoppedEarly: false };
  const counter: StepCounter = { step: 0 };
  const stepOpts: TrainStepOptions = { ...opts, optimizer };
  let best = Infinity;
  let bestWeights = opts.earlyStopping ? model.getWeights() : [];
  let sinceBest = 0;
  const t0 = Date.now();

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    if (opts.schedule) optimizer.lr = opts.schedule(epoch);
    if (opts.shuffle ?? true) rng.shuffle(order);
    let lossSum = 0;
    let count = 0;
    let normSum = 0;
    let batches = 0;
    for (let s = 0; s < N; s += batchSize) {
      const r = trainStep(model, takeBatch(train, order.subarray(s, Math.min(N, s + batchSize))), stepOpts, counter);
      lossSum += r.lossSum;
      count += r.count;
      normSum += r.gradNorm;
      batches++;
    }
    const loss = count > 0 ? lossSum / count : 0;
    const valLoss = opts.validation ? evaluate(model, opts.validation, opts.loss, batchSize) : undefined;
    history.loss.push(loss);
    history.gradNorm.push(normSum / batches);
    history.lr.push(optimizer.lr);
    if (valLoss !== undefined) history.valLoss.push(valLoss);
    const elapsed = (Date.now() - t0) / 1000;
    const report: EpochReport = {
      epoch: epoch + 1, epochs: opts.epochs, loss, valLoss, lr: optimizer.lr,
      seconds: elapsed, etaSeconds: (elapsed / (epoch + 1)) * (opts.epochs - epoch - 1),
    };
    log(formatEpoch(report));
    const monitored = valLoss ?? loss;
    if (monitored < best - (opts.earlyStopping?.minDelta ?? 0)) {
      best = monitored;
      history.bestEpoch = epoch;
      sinceBest = 0;
      if (opts.earlyStopping) bestWeights = model.getWeights();
    } else {
      sinceBest++;
    }
    if (opts.onEpochEnd?.(report) === 'stop') break;
    if (opts.earlyStopping && sinceBest >= opts.earlyStopping.patience) {
      history.stoppedEarly = true;
      if (opts.earlyStopping.restoreBest ?? true) model.setWeights(bestWeights);
      log(`early stopping after epoch ${epoch + 1}: best ${valLoss !== undefined ? 'val_loss' : 'loss'} ${best.toPrecision(4)} at epoch ${history.bestEpoch + 1}`);
      break;
    }
  }
  return history;
}
