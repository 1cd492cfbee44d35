import { describeValue } from '../io/field-checks';
import { firstDifference } from '../io/json-diff';
import type { LoadedCheckpoint } from '../train/checkpoint';
import { CheckpointError } from '../train/checkpoint';
import type { TrainSpec } from './train-spec';

/** What a checkpoint must share with the spec to be resumed: the model and the data it trains on. */
export function resumeIdentity(spec: TrainSpec): { data: unknown; validation: unknown } {
  return { data: spec.data, validation: spec.validation };
}

/**
 * Refuses to resume a checkpoint made for another model or other data (the checkpoint's model
 * would silently be continued): names the first field that differs, with both values.
 */
export function checkResumeMatches(checkpointFile: string, restored: LoadedCheckpoint, spec: TrainSpec, specFile: string): void {
  const specModel = { ...spec.model, seed: spec.model.seed ?? 0, dtype: spec.model.dtype ?? 'float32' };
  const differences = [
    firstDifference(restored.model.config, specModel, 'model'),
    restored.spec === undefined ? null : firstDifference(restored.spec, resumeIdentity(spec), 'spec'),
  ];
  const d = differences.find((x) => x !== null);
  if (!d) return;
  const field = d.path.replace(/^spec\./, '');
  throw new CheckpointError(
    checkpointFile,
    `was made for a different run: ${field} is ${describeValue(d.a)} in the checkpoint but ${describeValue(d.b)} in ${specFile}. ` +
      'Resume with the spec it was made with, or start afresh without --resume.',
  );
}
