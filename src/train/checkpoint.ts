import { readJson } from '../io/read-file';
import { writeFileAtomic } from '../io/atomic-write';
import { modelFromJSON, modelToJSON, type ModelFile } from '../io/model-file';
import type { Sequential } from '../model';
import type { FitState } from './fit-state';
import { FileError } from '../io/file-error';

/**
 * A training checkpoint: the model file plus the fit state (epoch, batch position,
 * shuffle order, RNG and optimizer states, history). JSON, written atomically.
 */
export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
export const CHECKPOINT_VERSION = 1;

export class CheckpointError extends FileError {}

interface CheckpointFile {
  format: string;
  version: number;
  model: ModelFile;
  state: FitState;
}

export function saveCheckpoint(file: string, model: Sequential, state: FitState): void {
  const body: CheckpointFile = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, model: modelToJSON(model), state };
  // Infinity (no best loss yet) is not JSON: store it as null.
  writeFileAtomic(file, JSON.stringify(body, (_k, v) => (v === Infinity ? null : v)));
}

export function loadCheckpoint(file: string): { model: Sequential; state: FitState } {
  const body = readJson(file, (problem) => new CheckpointError(file, problem)) as CheckpointFile;
  if (body?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(file, 'not an rnnkit checkpoint');
  if (!(body.version <= CHECKPOINT_VERSION)) throw new CheckpointError(file, `checkpoint version ${body.version} is newer than this rnnkit supports (${CHECKPOINT_VERSION})`);
  const state = body.state;
  if (state.best === null) state.best = Infinity;
  return { model: modelFromJSON(body.model, file), state };
}
