import { readJson } from '../io/read-file';
import { writeFileAtomic } from '../io/atomic-write';
import { modelFromJSON, modelToJSON, type ModelFile } from '../io/model-file';
import type { Sequential } from '../model';
import type { FitState } from './fit-state';
import { FileError } from '../io/file-error';
import { FieldError } from '../io/field-checks';
import type { ModelLimits } from '../limits';
import { checkFitState } from './check-fit-state';

/**
 * A training checkpoint: the model file plus the fit state (epoch, batch position,
 * shuffle order, RNG and optimizer states, history) and, optionally, the spec of the run
 * (what it trains on), so that a resume can check it continues the same run. JSON, written atomically.
 */
export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
export const CHECKPOINT_VERSION = 1;

export class CheckpointError extends FileError {}

interface CheckpointFile {
  format: string;
  version: number;
  model: ModelFile;
  state: FitState;
  spec?: unknown;
}

export interface LoadedCheckpoint {
  model: Sequential;
  state: FitState;
  /** The run's spec as saved (undefined for checkpoints written without one). */
  spec?: unknown;
}

export function saveCheckpoint(file: string, model: Sequential, state: FitState, spec?: unknown): void {
  const body: CheckpointFile = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, model: modelToJSON(model), state, spec };
  // Infinity (no best loss yet) is not JSON: store it as null.
  writeFileAtomic(file, JSON.stringify(body, (_k, v) => (v === Infinity ? null : v)));
}

/** Loads a checkpoint, checking the model (limits, bytes present) and every index of the fit state. */
export function loadCheckpoint(file: string, limits?: Partial<ModelLimits>): LoadedCheckpoint {
  const body = readJson(file, (problem) => new CheckpointError(file, problem)) as CheckpointFile;
  if (body?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(file, 'not an rnnkit checkpoint');
  if (!(body.version <= CHECKPOINT_VERSION)) throw new CheckpointError(file, `checkpoint version ${body.version} is newer than this rnnkit supports (${CHECKPOINT_VERSION})`);
  const model = modelFromJSON(body.model, file, limits);
  let state: FitState;
  try {
    state = checkFitState(body.state, model);
  } catch (err) {
    if (err instanceof FieldError) throw new CheckpointError(file, `corrupt fit state: ${err.message}`);
    throw err;
  }
  if (state.best === null) state.best = Infinity;
  return { model, state, spec: body.spec };
}
