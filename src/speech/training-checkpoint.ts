import * as path from 'path';
import { parseJson, readBytes } from '../io/read-file';
import { writeFileAtomic } from '../io/atomic-write';
import { decodeSafetensorsOrFail, loadModel } from '../io/model-file';
import { modelFromSafetensors, modelTensors } from '../io/model-safetensors';
import { encodeSafetensors, isSafetensors } from '../io/safetensors';
import { numberedVectors, readNumberedVectors } from '../io/numbered-vectors';
import { describeValue, FieldError, integer, number, object } from '../io/field-checks';
import { FileError } from '../io/file-error';
import { checkFileVersion, metadataCount, metadataJson } from '../io/file-metadata';
import { optimizerTensors, readOptimizerTensors } from '../io/optimizer-tensors';
import { MAX_BINARY_BYTES } from '../limits';
import type { Sequential } from '../model';
import type { OptimizerState } from '../optim/optimizer';
import type { RunSettings } from '../train/resume-settings';
import { checkOptimizerState, checkParameterVectors, checkRngState } from '../train/check-fit-state';

/**
 * The speech trainer's checkpoint (scripts/train-speech.ts), written after every epoch: the model's
 * weights, Adam's moments (F64) and the weight average (F64) as safetensors tensors, the rest as JSON
 * metadata, in one file written atomically. Binary for its size and time (the shipped model's run:
 * 12.9 MB written in 19 ms, against 32.7 MB of JSON in 470 ms), and one file so that no moment exists
 * when the weights and the state describe different epochs. Checkpoints of the JSON layout (the state
 * in one file, the weights in a `modelFile` beside it) still load.
 */
export const SPEECH_CHECKPOINT_FORMAT = 'rnnkit-speech-training';
export const SPEECH_CHECKPOINT_VERSION = 1;

export class SpeechCheckpointError extends FileError {}

export interface SpeechTrainingState {
  /** Epochs done. */
  epoch: number;
  /** The best validation WER so far (Infinity before the first). */
  bestWer: number;
  /** What a resume must repeat (seed, sizes, data options). */
  settings: RunSettings;
  optimizer: OptimizerState;
  /** Generator states: the batch order and masks, and the model's dropout, continue where they were. */
  batchRng: number[];
  dropoutRng: number[];
  /** The moving average of the weights (train-speech --average), one vector per parameter. */
  average?: { updates: number; values: ArrayLike<number>[] };
}

export function saveSpeechCheckpoint(file: string, model: Sequential, state: SpeechTrainingState): void {
  const { optimizer, average, ...rest } = state;
  const moments = optimizerTensors(optimizer);
  const tensors = [
    ...modelTensors(model),
    ...moments.tensors,
    ...numberedVectors('average.values', average?.values ?? [], 'F64'),
  ];
  const metadata: Record<string, string> = {
    format: SPEECH_CHECKPOINT_FORMAT, version: String(SPEECH_CHECKPOINT_VERSION), config: JSON.stringify(model.config),
    // Infinity (no best WER yet) is not JSON: stored as null.
    state: JSON.stringify({ ...rest, bestWer: Number.isFinite(rest.bestWer) ? rest.bestWer : null, optimizer: moments.json, averageUpdates: average?.updates ?? null }),
    optimizerBuffers: moments.optimizerBuffers, averageValues: String(average ? average.values.length : -1),
  };
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Loads a checkpoint, checking every field of the state against the model it holds. */
export function loadSpeechCheckpoint(file: string): { model: Sequential; state: SpeechTrainingState } {
  const fail = (problem: string) => new SpeechCheckpointError(file, problem);
  const bytes = readBytes(file, fail, MAX_BINARY_BYTES);
  // A file that is neither (truncated, say) is read as the binary layout, whose decoder names what is wrong.
  const jsonLayout = !isSafetensors(bytes) && bytes[0] === 0x7b;
  try {
    const { model, raw } = jsonLayout ? readJsonLayout(parseJson(bytes, fail), file, fail) : readBinary(bytes, fail);
    return { model, state: checkState(raw, model) };
  } catch (err) {
    if (err instanceof FieldError) throw fail(`corrupt training state: ${err.message}`);
    throw err;
  }
}

function readBinary(bytes: Uint8Array, fail: (problem: string) => Error): { model: Sequential; raw: Record<string, unknown> } {
  const decoded = decodeSafetensorsOrFail(bytes, fail);
  const meta = decoded.metadata;
  if (meta.format !== SPEECH_CHECKPOINT_FORMAT) throw fail(`not a train:speech checkpoint (format ${describeValue(meta.format)})`);
  checkFileVersion(meta.version, SPEECH_CHECKPOINT_VERSION, 'train:speech checkpoint', fail);
  const model = modelFromSafetensors(decoded, fail);
  const raw = object('state', metadataJson(meta, 'state', fail));
  const params = model.params().length;
  const averageValues = metadataCount(meta, 'averageValues', -1, params, fail);
  return {
    model,
    raw: {
      ...raw,
      optimizer: readOptimizerTensors(raw.optimizer, decoded, params, fail),
      average: averageValues < 0 ? undefined : { updates: raw.averageUpdates, values: readNumberedVectors(decoded.tensors, 'average.values', averageValues, 'F64', fail) },
    },
  };
}

/** The JSON layout train-speech wrote before: the state, with the weights in a model file beside it. */
function readJsonLayout(json: unknown, file: string, fail: (problem: string) => Error): { model: Sequential; raw: Record<string, unknown> } {
  const raw = json as Record<string, unknown>;
  if (!raw?.settings || !raw.batchRng) throw fail('a checkpoint from an older train-speech without its settings and generator states; start again without --resume');
  if (typeof raw.modelFile !== 'string' || path.basename(raw.modelFile) !== raw.modelFile) throw fail(`names no weights file beside it (modelFile ${describeValue(raw.modelFile)})`);
  return { model: loadModel(path.join(path.dirname(file), raw.modelFile)), raw };
}

function checkState(raw: Record<string, unknown>, model: Sequential): SpeechTrainingState {
  integer('state.epoch', raw.epoch, 0, 2 ** 31 - 1);
  const bestWer = raw.bestWer === null || raw.bestWer === undefined ? Infinity : number('state.bestWer', raw.bestWer, { min: 0 });
  const settings = object('state.settings', raw.settings);
  for (const [k, v] of Object.entries(settings)) {
    if (!['number', 'boolean', 'string'].includes(typeof v) && v !== null) throw new FieldError(`state.settings.${k}`, `is ${describeValue(v)}, not a number, flag or name`);
  }
  checkRngState('state.batchRng', raw.batchRng);
  checkRngState('state.dropoutRng', raw.dropoutRng);
  const sizes = model.params().map((p) => p.value.length);
  checkOptimizerState('state.optimizer', raw.optimizer, sizes);
  let average: SpeechTrainingState['average'];
  if (raw.average !== undefined && raw.average !== null) {
    const a = object('state.average', raw.average);
    const values = checkParameterVectors('state.average.values', a.values, sizes);
    average = { updates: integer('state.average.updates', a.updates, 0, Number.MAX_SAFE_INTEGER), values };
  }
  return {
    epoch: raw.epoch as number, bestWer, settings: settings as RunSettings, optimizer: raw.optimizer as OptimizerState,
    batchRng: raw.batchRng as number[], dropoutRng: raw.dropoutRng as number[], average,
  };
}
