import { parseJson, readBytes } from '../io/read-file';
import { writeFileAtomic } from '../io/atomic-write';
import { decodeSafetensorsOrFail, modelFromJSON, type ModelFile } from '../io/model-file';
import { modelFromSafetensors, modelTensors } from '../io/model-safetensors';
import { encodeSafetensors, isSafetensors, tensorValues, type DecodedSafetensors } from '../io/safetensors';
import { numberedVectors, readNumberedVectors } from '../io/numbered-vectors';
import type { Sequential } from '../model';
import type { FitState } from './fit-state';
import { FileError } from '../io/file-error';
import { FieldError } from '../io/field-checks';
import { checkFileVersion, metadataCount, metadataJson } from '../io/file-metadata';
import { optimizerTensors, readOptimizerTensors } from '../io/optimizer-tensors';
import { MAX_BINARY_BYTES, type ModelLimits } from '../limits';
import { checkFitState } from './check-fit-state';

/**
 * A training checkpoint: the model plus the fit state (epoch, batch position, shuffle order, RNG
 * and optimizer states, history) and, optionally, the spec of the run (what it trains on), so that
 * a resume can check it continues the same run. Written atomically in the safetensors layout:
 * the model's parameters under their own names (`0.weight_ih`), the optimizer moments
 * (`optimizer.buffers.<k>`, F64), best weights (`state.bestWeights.<k>`) and shuffle order
 * (`state.order`, I32) as tensors; config, the rest of the state and the spec as JSON metadata.
 * Version 1 checkpoints (one JSON document) still load.
 */
export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint';
export const CHECKPOINT_VERSION = 2;

export class CheckpointError extends FileError {}

interface JsonCheckpointFile {
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
  const { order, optimizer, bestWeights, ...rest } = state;
  const moments = optimizerTensors(optimizer);
  const weightType = model.dtype === 'float64' ? 'F64' : 'F32';
  const tensors = [
    ...modelTensors(model),
    ...moments.tensors,
    ...numberedVectors('state.bestWeights', bestWeights ?? [], weightType),
    { name: 'state.order', dtype: 'I32' as const, shape: [order.length], data: Int32Array.from(order) },
  ];
  // Infinity (no best loss yet) is not JSON: store it as null.
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (x === Infinity ? null : x));
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION), config: JSON.stringify(model.config),
    state: json({ ...rest, optimizer: moments.json }),
    optimizerBuffers: moments.optimizerBuffers, bestWeights: String(bestWeights ? bestWeights.length : -1),
  };
  if (spec !== undefined) metadata.spec = JSON.stringify(spec);
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Loads a checkpoint, checking the model (limits, bytes present) and every index of the fit state. */
export function loadCheckpoint(file: string, limits?: Partial<ModelLimits>): LoadedCheckpoint {
  const fail = (problem: string) => new CheckpointError(file, problem);
  const bytes = readBytes(file, fail, MAX_BINARY_BYTES);
  const { model, state: rawState, spec } = isSafetensors(bytes) ? readBinary(decodeSafetensorsOrFail(bytes, fail), fail, limits) : readJsonCheckpoint(parseJson(bytes, fail), file, limits);
  let state: FitState;
  try {
    state = checkFitState(rawState, model);
  } catch (err) {
    if (err instanceof FieldError) throw fail(`corrupt fit state: ${err.message}`);
    throw err;
  }
  if (state.best === null) state.best = Infinity;
  return { model, state, spec };
}

function checkVersion(format: unknown, version: unknown, fail: (problem: string) => Error): void {
  if (format !== CHECKPOINT_FORMAT) throw fail('not an rnnkit checkpoint');
  checkFileVersion(version, CHECKPOINT_VERSION, 'checkpoint', fail);
}

function readJsonCheckpoint(json: unknown, file: string, limits?: Partial<ModelLimits>): { model: Sequential; state: unknown; spec?: unknown } {
  const body = json as JsonCheckpointFile;
  checkVersion(body?.format, body?.version, (problem) => new CheckpointError(file, problem));
  return { model: modelFromJSON(body.model, file, limits), state: body.state, spec: body.spec };
}

function readBinary(decoded: DecodedSafetensors, fail: (problem: string) => Error, limits?: Partial<ModelLimits>): { model: Sequential; state: unknown; spec?: unknown } {
  const meta = decoded.metadata;
  checkVersion(meta.format, meta.version, fail);
  const model = modelFromSafetensors(decoded, fail, limits);
  const rest = metadataJson(meta, 'state', fail) as Record<string, unknown>;
  const vectors = (prefix: string, count: number, dtype: 'F64' | 'F32') => readNumberedVectors(decoded.tensors, prefix, count, dtype, fail);
  const params = model.params().length;
  const bestWeights = metadataCount(meta, 'bestWeights', -1, params, fail);
  const order = decoded.tensors.get('state.order');
  if (!order || order.dtype !== 'I32') throw fail('tensor state.order (I32) is missing');
  const state = {
    ...rest,
    order: Array.from(tensorValues(order)),
    optimizer: readOptimizerTensors(rest.optimizer, decoded, params, fail),
    bestWeights: bestWeights < 0 ? null : vectors('state.bestWeights', bestWeights, model.dtype === 'float64' ? 'F64' : 'F32'),
  };
  return { model, state, spec: meta.spec === undefined ? undefined : metadataJson(meta, 'spec', fail) };
}
