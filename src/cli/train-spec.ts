import { readJson } from '../io/read-file';
import * as path from 'path';
import { ShapeError } from '../core/seq';
import { addingProblem } from '../data/adding-problem';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import type { ModelConfig } from '../model';
import type { Optimizer } from '../optim/optimizer';
import { adam, rmsprop, sgd } from '../optim/optimizers';
import { cosineLR, stepLR, type Schedule } from '../optim/schedules';
import { DataError, type Dataset } from '../train/dataset';
import type { EarlyStopping } from '../train/fit';
import { FileError } from '../io/file-error';

/**
 * A training job for `rnnkit train spec.json` (documented in the README):
 * model config, data (a built-in synthetic task or a JSON data file), loss, optimizer
 * and fit options.
 */
export interface TrainSpec {
  model: ModelConfig;
  data: DataSpec;
  validation?: DataSpec;
  loss: 'mse' | 'cross-entropy' | 'cross-entropy-last';
  optimizer?: { name: 'adam' | 'sgd' | 'rmsprop'; lr?: number; momentum?: number };
  schedule?: { name: 'step'; stepSize: number; gamma?: number } | { name: 'cosine'; epochs: number; minLr?: number };
  epochs: number;
  batchSize?: number;
  clipNorm?: number;
  clipValue?: number;
  tbptt?: number;
  earlyStopping?: EarlyStopping;
  seed?: number;
}

export type DataSpec = { task: 'adding'; sequences: number; time: number; seed: number } | { file: string };

export class SpecError extends FileError {}

export function readTrainSpec(file: string): TrainSpec {
  const spec = readJson(file, (problem) => new SpecError(file, problem)) as TrainSpec;
  if (!spec || typeof spec !== 'object' || !spec.model || !spec.data) throw new SpecError(file, 'needs "model" and "data"');
  if (!['mse', 'cross-entropy', 'cross-entropy-last'].includes(spec.loss)) {
    throw new SpecError(file, `"loss" must be mse, cross-entropy or cross-entropy-last, got ${JSON.stringify(spec.loss)}`);
  }
  if (!(Number.isInteger(spec.epochs) && spec.epochs > 0)) throw new SpecError(file, `"epochs" must be a positive integer`);
  return spec;
}

export function lossOf(spec: TrainSpec): Loss {
  return spec.loss === 'mse' ? mse() : crossEntropy({ perStep: spec.loss === 'cross-entropy' });
}

export function optimizerOf(spec: TrainSpec): Optimizer {
  const o = spec.optimizer ?? { name: 'adam' };
  if (o.name === 'sgd') return sgd({ lr: o.lr ?? 0.01, momentum: o.momentum ?? 0 });
  if (o.name === 'rmsprop') return rmsprop({ lr: o.lr, momentum: o.momentum });
  if (o.name === 'adam') return adam({ lr: o.lr });
  throw new SpecError('spec', `unknown optimizer ${JSON.stringify((o as { name: unknown }).name)}`);
}

export function scheduleOf(spec: TrainSpec, lr: number): Schedule | undefined {
  const s = spec.schedule;
  if (!s) return undefined;
  return s.name === 'step' ? stepLR(lr, s.stepSize, s.gamma) : cosineLR(lr, s.epochs, s.minLr);
}

/** Loads the data a spec names, as float32 inputs and class ids or float32 targets. */
export function loadData(d: DataSpec, spec: TrainSpec, baseDir: string): Dataset {
  if ('task' in d) {
    if (d.task !== 'adding') throw new SpecError('spec', `unknown task ${JSON.stringify(d.task)}`);
    return addingProblem(d.sequences, d.time, d.seed);
  }
  const file = path.resolve(baseDir, d.file);
  const raw = readJson(file, (problem) => new DataError(`${file}: ${problem}`)) as { x?: RawSeq; y?: RawSeq; lengths?: number[] };
  if (!raw?.x || !raw.y) throw new DataError(`${file}: needs "x" and "y" ({ data, batch, time, features })`);
  const classes = spec.loss !== 'mse';
  for (const [name, t] of [['x', raw.x], ['y', raw.y]] as const) {
    if (!Array.isArray(t.data) || t.data.length !== t.batch * t.time * t.features) {
      throw new ShapeError(`${file}: ${name}.data has ${Array.isArray(t.data) ? t.data.length : 'no'} values, expected batch x time x features = ${t.batch * t.time * t.features}`);
    }
  }
  return {
    x: { ...raw.x, data: Float32Array.from(raw.x.data.map(numberOrNaN)) },
    y: { ...raw.y, data: classes ? Int32Array.from(raw.y.data) : Float32Array.from(raw.y.data.map(numberOrNaN)) },
    lengths: raw.lengths ? Int32Array.from(raw.lengths) : undefined,
  };
}

interface RawSeq {
  data: (number | null | string)[];
  batch: number;
  time: number;
  features: number;
}

/** JSON has no NaN: null and strings become NaN, so validation reports them by position. */
function numberOrNaN(v: number | null | string): number {
  return typeof v === 'number' ? v : NaN;
}
