import { readJson } from '../io/read-file';
import * as path from 'path';
import { ShapeError } from '../core/seq';
import { addingProblem } from '../data/adding-problem';
import { crossEntropy, IGNORE_LABEL } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import type { ModelConfig } from '../model';
import type { Optimizer } from '../optim/optimizer';
import { adam, rmsprop, sgd } from '../optim/optimizers';
import { cosineLR, stepLR, type Schedule } from '../optim/schedules';
import { DataError, type Dataset } from '../train/dataset';
import type { EarlyStopping } from '../train/fit';
import { FileError } from '../io/file-error';
import { array, FieldError, positiveInteger } from '../io/field-checks';
import { MAX_SPEC_BYTES, type ModelLimits } from '../limits';
import { checkTrainSpec } from './check-train-spec';

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

/** Reads a spec file and checks every field (see checkTrainSpec); errors name the file and the field. */
export function readTrainSpec(file: string, limits?: Partial<ModelLimits>): TrainSpec {
  const raw = readJson(file, (problem) => new SpecError(file, problem), MAX_SPEC_BYTES);
  try {
    return checkTrainSpec(raw, limits);
  } catch (err) {
    if (err instanceof FieldError) throw new SpecError(file, err.message);
    throw err;
  }
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
  try {
    for (const [name, t] of [['x', raw.x], ['y', raw.y]] as const) {
      const [batch, time, features] = (['batch', 'time', 'features'] as const).map((k) => positiveInteger(`${name}.${k}`, t[k], Number.MAX_SAFE_INTEGER));
      const values = array(`${name}.data`, t.data, Number.MAX_SAFE_INTEGER);
      if (values.length !== batch * time * features) {
        throw new FieldError(`${name}.data`, `has ${values.length} values, expected batch x time x features = ${batch * time * features}`);
      }
    }
    if (raw.lengths !== undefined) array('lengths', raw.lengths, raw.x.batch);
    return {
      x: { ...raw.x, data: Float32Array.from(raw.x.data.map(numberOrNaN)) },
      y: { ...raw.y, data: classes ? Int32Array.from(raw.y.data, classIdAt) : Float32Array.from(raw.y.data.map(numberOrNaN)) },
      lengths: raw.lengths ? Int32Array.from(raw.lengths) : undefined,
    };
  } catch (err) {
    throw err instanceof FieldError ? new ShapeError(`${file}: ${err.message}`) : err;
  }
}

/** A class id of y.data, checked: Int32Array.from alone would make 2.7 class 2 and null or "x" class 0. */
function classIdAt(v: number | null | string, position: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < IGNORE_LABEL || v > 2 ** 31 - 1) {
    throw new FieldError('y.data', `value ${JSON.stringify(v)} at position ${position} is not a class id (a whole number ≥ 0, or ${IGNORE_LABEL} to skip a step)`);
  }
  return v;
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
