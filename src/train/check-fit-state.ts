import { array, describeValue, FieldError, integer, number, object } from '../io/field-checks';
import type { Sequential } from '../model';
import type { FitState } from './fit-state';

const MAX_INDEX = 2 ** 31 - 1;

/**
 * Checks a checkpoint's fit state against the model it was saved with: the shuffle order is a
 * permutation, positions and counters are in range, RNG states are words, optimizer moments and
 * best weights have the parameters' sizes. A corrupt or crafted state would otherwise train on
 * the wrong rows (or on zeros past the end) without a word. Throws a FieldError naming the field.
 */
export function checkFitState(raw: unknown, model: Sequential): FitState {
  const s = object('state', raw);
  const order = array('state.order', s.order, MAX_INDEX);
  const seen = new Uint8Array(order.length);
  order.forEach((v, i) => {
    if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < order.length)) {
      throw new FieldError(`state.order[${i}]`, `row ${describeValue(v)} is outside the ${order.length} training sequences`);
    }
    const row = v as number;
    if (seen[row]++) throw new FieldError(`state.order[${i}]`, `row ${row} appears twice (not a permutation)`);
  });
  integer('state.epoch', s.epoch, 0, MAX_INDEX);
  integer('state.batchStart', s.batchStart, 0, order.length);
  integer('state.step', s.step, 0, Number.MAX_SAFE_INTEGER);
  for (const rng of ['shuffleRng', 'modelRng']) checkRngState(`state.${rng}`, s[rng]);
  number('state.lr', s.lr, { min: 0, exclusiveMin: true });
  const sizes = model.params().map((p) => p.value.length);
  checkOptimizerState('state.optimizer', s.optimizer, sizes);
  if (s.bestWeights !== null && s.bestWeights !== undefined) checkParameterVectors('state.bestWeights', s.bestWeights, sizes);
  object('state.history', s.history);
  return s as unknown as FitState;
}

/** A generator state as Rng.getState gives it: four 32-bit words and the spare normal. */
export function checkRngState(field: string, raw: unknown): void {
  const words = array(field, raw, 5);
  if (words.length !== 5) throw new FieldError(field, `has ${words.length} entries, expected 5`);
  words.slice(0, 4).forEach((w, i) => integer(`${field}[${i}]`, w, 0, 2 ** 32 - 1));
}

/** An optimizer state whose moment buffers (a whole number per parameter, at most 3) have the parameters' sizes. */
export function checkOptimizerState(field: string, raw: unknown, sizes: readonly number[]): void {
  const optimizer = object(field, raw);
  integer(`${field}.step`, optimizer.step, 0, Number.MAX_SAFE_INTEGER);
  const buffers = array(`${field}.slots.buffers`, object(`${field}.slots`, optimizer.slots).buffers ?? [], 3 * sizes.length);
  if (buffers.length % sizes.length !== 0) {
    throw new FieldError(`${field}.slots.buffers`, `has ${buffers.length} moment buffers for ${sizes.length} parameters`);
  }
  const perParam = buffers.length / sizes.length;
  buffers.forEach((b, i) => checkSizedArray(`${field}.slots.buffers[${i}]`, b, sizes[Math.floor(i / perParam)]));
}

/** One vector per parameter, each of its parameter's size (best weights, a weight average). */
export function checkParameterVectors(field: string, raw: unknown, sizes: readonly number[]): ArrayLike<number>[] {
  const vectors = array(field, raw, sizes.length);
  if (vectors.length !== sizes.length) throw new FieldError(field, `holds ${vectors.length} vectors, the model ${sizes.length} parameters`);
  vectors.forEach((v, i) => checkSizedArray(`${field}[${i}]`, v, sizes[i]));
  return vectors as ArrayLike<number>[];
}

/** A plain or typed array of `size` numbers (binary checkpoints hold typed arrays). */
function checkSizedArray(field: string, v: unknown, size: number): void {
  const values = ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<number>) : array(field, v, size);
  if (values.length !== size) throw new FieldError(field, `has ${values.length} values, the parameter ${size}`);
}
