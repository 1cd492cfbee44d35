import { boolean, FieldError, integer, number, object, oneOf, optional, positiveInteger, text } from '../io/field-checks';
import { TRAIN_LIMITS, type ModelLimits } from '../limits';
import { checkModelConfig } from '../model-check';
import { CONV1D_TBPTT_REFUSAL } from '../layers/conv1d';
import type { DataSpec, TrainSpec } from './train-spec';

const SPEC_FIELDS = ['model', 'data', 'validation', 'loss', 'optimizer', 'schedule', 'epochs', 'batchSize', 'clipNorm', 'clipValue', 'tbptt', 'earlyStopping', 'seed'];
const LOSSES = ['mse', 'cross-entropy', 'cross-entropy-last'] as const;
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
const positive = { min: 0, exclusiveMin: true };
const count = (field: string) => (v: unknown) => positiveInteger(field, v, TRAIN_LIMITS.maxCount);

/**
 * Checks every field of a training spec before anything is allocated or trained: types, ranges,
 * known names, the model's limits. Throws a FieldError naming the field (`batchSize`, `model.layers[1].units`).
 */
export function checkTrainSpec(raw: unknown, limits?: Partial<ModelLimits>): TrainSpec {
  const s = object('spec', raw, SPEC_FIELDS);
  if (s.model === undefined || s.data === undefined) throw new FieldError('spec', 'needs "model" and "data"');
  checkModelConfig(s.model, { field: 'model', limits, strict: true });
  checkDataSpec('data', s.data);
  optional(s.validation, (v) => checkDataSpec('validation', v));
  oneOf('loss', s.loss, LOSSES);
  optional(s.optimizer, checkOptimizer);
  optional(s.schedule, checkSchedule);
  count('epochs')(s.epochs);
  optional(s.batchSize, count('batchSize'));
  optional(s.clipNorm, (v) => number('clipNorm', v, positive));
  optional(s.clipValue, (v) => number('clipValue', v, positive));
  optional(s.tbptt, count('tbptt'));
  // Refused here, before training starts, as fit would refuse it at the first step.
  if (s.tbptt !== undefined && (s.model as { layers: { type: string }[] }).layers.some((l) => l.type === 'conv1d')) {
    throw new FieldError('tbptt', `${CONV1D_TBPTT_REFUSAL}; remove tbptt`);
  }
  optional(s.earlyStopping, (v) => {
    const e = object('earlyStopping', v, ['patience', 'minDelta', 'restoreBest']);
    count('earlyStopping.patience')(e.patience);
    optional(e.minDelta, (d) => number('earlyStopping.minDelta', d, { min: 0 }));
    optional(e.restoreBest, (b) => boolean('earlyStopping.restoreBest', b));
  });
  optional(s.seed, (v) => integer('seed', v, -(2 ** 31), 2 ** 32 - 1));
  return s as unknown as TrainSpec;
}

function checkDataSpec(field: string, v: unknown): DataSpec {
  const d = object(field, v);
  if (!('task' in d)) {
    text(`${field}.file`, object(field, v, ['file']).file);
    return d as DataSpec;
  }
  object(field, v, ['task', 'sequences', 'time', 'seed']);
  oneOf(`${field}.task`, d.task, ['adding']);
  const sequences = positiveInteger(`${field}.sequences`, d.sequences, TRAIN_LIMITS.maxSequences);
  const time = integer(`${field}.time`, d.time, 2, TRAIN_LIMITS.maxTime);
  integer(`${field}.seed`, d.seed, -(2 ** 31), 2 ** 32 - 1);
  const values = sequences * time * 2; // the adding problem has 2 features per step
  if (values > TRAIN_LIMITS.maxTaskValues) {
    throw new FieldError(field, `${sequences} sequences x ${time} steps x 2 features = ${values} values, over the limit of ${TRAIN_LIMITS.maxTaskValues}`);
  }
  return d as DataSpec;
}

function checkOptimizer(v: unknown): void {
  const o = object('optimizer', v, ['name', 'lr', 'momentum']);
  const name = oneOf('optimizer.name', o.name, OPTIMIZERS);
  optional(o.lr, (lr) => number('optimizer.lr', lr, positive));
  if (o.momentum !== undefined && name === 'adam') throw new FieldError('optimizer.momentum', 'adam has no momentum (it is for sgd and rmsprop)');
  optional(o.momentum, (m) => number('optimizer.momentum', m, { min: 0, max: 1, exclusiveMax: true }));
}

function checkSchedule(v: unknown): void {
  const name = oneOf('schedule.name', object('schedule', v).name, ['step', 'cosine']);
  if (name === 'step') {
    const s = object('schedule', v, ['name', 'stepSize', 'gamma']);
    count('schedule.stepSize')(s.stepSize);
    optional(s.gamma, (g) => number('schedule.gamma', g, { ...positive, max: 1 }));
  } else {
    const s = object('schedule', v, ['name', 'epochs', 'minLr']);
    count('schedule.epochs')(s.epochs);
    optional(s.minLr, (m) => number('schedule.minLr', m, { min: 0 }));
  }
}
