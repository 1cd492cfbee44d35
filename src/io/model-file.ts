import { parseJson, readBytes } from './read-file';
import { decodeSafetensors, encodeSafetensors, isSafetensors, SafetensorsError, type DecodedSafetensors } from './safetensors';
import { modelFromSafetensors, modelTensors } from './model-safetensors';
import { Sequential, type ModelConfig } from '../model';
import { writeFileAtomic } from './atomic-write';
import { FileError } from './file-error';
import { describeValue } from './field-checks';
import { MAX_BINARY_BYTES, type ModelLimits } from '../limits';
import type { ParamShape } from '../model-check';
import { buildStoredModel, type StoredTensor } from './stored-weights';

/**
 * The rnnkit model file (JSON, documented in README "Model file format"):
 * { format: "rnnkit-model", version: 1, config: ModelConfig,
 *   params: [{ name, shape, dtype, data: base64 of little-endian values }] }
 * Weights are stored bit-exactly in the model's dtype.
 */
export const MODEL_FORMAT = 'rnnkit-model';
/** The newest JSON model file version this rnnkit reads (see writtenVersion). */
export const MODEL_FORMAT_VERSION = 2;

/**
 * A file says the oldest version that computes its model correctly: reset-before GRUs (resetAfter
 * false, added after version 1 of JSON / 2 of safetensors) bump it, so an older rnnkit, which would
 * silently run them as the default GRU, refuses the file and asks for an upgrade instead.
 */
function writtenVersion(config: ModelConfig, base: number): number {
  const resetBefore = config.layers.some((l) => 'resetAfter' in l && l.resetAfter === false);
  return resetBefore ? base + 1 : base;
}

export class ModelFileError extends FileError {}

interface StoredParam {
  name: string;
  shape: number[];
  dtype: 'float32' | 'float64';
  data: string;
}

export interface ModelFile {
  format: string;
  version: number;
  config: ModelConfig;
  params: StoredParam[];
}

export function modelToJSON(model: Sequential): ModelFile {
  return {
    format: MODEL_FORMAT,
    version: writtenVersion(model.config, 1),
    config: model.config,
    params: model.params().map((p) => ({
      name: p.qualifiedName,
      shape: p.shape,
      dtype: model.dtype,
      data: Buffer.from(p.value.buffer, p.value.byteOffset, p.value.byteLength).toString('base64'),
    })),
  };
}

/**
 * Builds the model a JSON model file describes. The config is checked against `limits` and the
 * weight bytes present are counted (from the base64 lengths) before anything is allocated.
 */
export function modelFromJSON(json: unknown, file = '<model>', limits?: Partial<ModelLimits>): Sequential {
  const m = json as Partial<ModelFile>;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new ModelFileError(file, `not an rnnkit model file (format field is ${describeValue(m?.format)})`);
  }
  if (typeof m.version !== 'number' || m.version > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(file, `model file version ${m.version} is newer than this rnnkit supports (${MODEL_FORMAT_VERSION}); upgrade rnnkit`);
  }
  if (!m.config || !Array.isArray(m.params)) throw new ModelFileError(file, 'missing config or params');
  const params = m.params;
  const find = (_expected: ParamShape, i: number): StoredTensor | undefined => {
    const s = params[i] as Partial<StoredParam> | undefined;
    return s && { name: s.name, shape: s.shape, dtype: s.dtype, bytes: base64Bytes(s.data), read: () => Buffer.from(s.data as string, 'base64') };
  };
  return buildStoredModel(m.config, { count: params.length, find }, (problem) => new ModelFileError(file, problem), limits);
}

/** Bytes a base64 string decodes to, without decoding it (0 for anything else). */
function base64Bytes(data: unknown): number {
  if (typeof data !== 'string') return 0;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** The newest safetensors model file version this rnnkit reads (files without reset-before GRUs say 2). */
export const MODEL_SAFETENSORS_VERSION = 3;

/**
 * Saves atomically: an interrupted save leaves the previous file intact. A name ending in
 * `.safetensors` gets the binary layout (fast and compact for large models, readable by PyTorch's
 * safetensors package); any other name gets JSON.
 */
export function saveModel(model: Sequential, file: string): void {
  if (file.endsWith('.safetensors')) {
    writeFileAtomic(file, encodeSafetensors(modelTensors(model), { format: MODEL_FORMAT, version: String(writtenVersion(model.config, 2)), config: JSON.stringify(model.config) }));
  } else {
    writeFileAtomic(file, JSON.stringify(modelToJSON(model)));
  }
}

/** Loads a model file, JSON or safetensors (recognised by content, whatever the name). */
export function loadModel(file: string, limits?: Partial<ModelLimits>): Sequential {
  const fail = (problem: string) => new ModelFileError(file, problem);
  const bytes = readBytes(file, fail, MAX_BINARY_BYTES);
  if (!isSafetensors(bytes)) return modelFromJSON(parseJson(bytes, fail), file, limits);
  const decoded = decodeSafetensorsOrFail(bytes, fail);
  if (decoded.metadata.format !== MODEL_FORMAT) throw fail(`not an rnnkit model file (format ${describeValue(decoded.metadata.format)})`);
  if (!(Number(decoded.metadata.version) <= MODEL_SAFETENSORS_VERSION)) {
    throw fail(`model file version ${describeValue(decoded.metadata.version)} is newer than this rnnkit supports (${MODEL_SAFETENSORS_VERSION}); upgrade rnnkit`);
  }
  return modelFromSafetensors(decoded, fail, limits);
}

/** Decodes a safetensors header, reporting problems through the caller's error type. */
export function decodeSafetensorsOrFail(bytes: Uint8Array, fail: (problem: string) => Error): DecodedSafetensors {
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    throw err instanceof SafetensorsError ? fail(`malformed safetensors file: ${err.message}`) : err;
  }
}
