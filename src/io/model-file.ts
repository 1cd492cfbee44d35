import { readJson } from './read-file';
import { Sequential, type ModelConfig } from '../model';
import { writeFileAtomic } from './atomic-write';
import { FileError } from './file-error';

/**
 * The rnnkit model file (JSON, documented in README "Model file format"):
 * { format: "rnnkit-model", version: 1, config: ModelConfig,
 *   params: [{ name, shape, dtype, data: base64 of little-endian values }] }
 * Weights are stored bit-exactly in the model's dtype.
 */
export const MODEL_FORMAT = 'rnnkit-model';
export const MODEL_FORMAT_VERSION = 1;

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
    version: MODEL_FORMAT_VERSION,
    config: model.config,
    params: model.params().map((p) => ({
      name: p.qualifiedName,
      shape: p.shape,
      dtype: model.dtype,
      data: Buffer.from(p.value.buffer, p.value.byteOffset, p.value.byteLength).toString('base64'),
    })),
  };
}

export function modelFromJSON(json: unknown, file = '<model>'): Sequential {
  const m = json as Partial<ModelFile>;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new ModelFileError(file, `not an rnnkit model file (format field is ${JSON.stringify(m?.format)})`);
  }
  if (typeof m.version !== 'number' || m.version > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(file, `model file version ${m.version} is newer than this rnnkit supports (${MODEL_FORMAT_VERSION}); upgrade rnnkit`);
  }
  if (!m.config || !Array.isArray(m.params)) throw new ModelFileError(file, 'missing config or params');
  let model: Sequential;
  try {
    model = new Sequential(m.config);
  } catch (err) {
    throw new ModelFileError(file, `invalid config: ${(err as Error).message}`);
  }
  const params = model.params();
  if (params.length !== m.params.length) {
    throw new ModelFileError(file, `config implies ${params.length} parameter tensors, file has ${m.params.length}`);
  }
  params.forEach((p, i) => {
    const s = m.params![i];
    if (s.name !== p.qualifiedName || s.shape.join('x') !== p.shape.join('x') || s.dtype !== model.dtype) {
      throw new ModelFileError(file, `parameter ${i} is ${s.name} ${s.shape?.join('x')} ${s.dtype}, expected ${p.qualifiedName} ${p.shape.join('x')} ${model.dtype}`);
    }
    const bytes = Buffer.from(s.data, 'base64');
    if (bytes.byteLength !== p.value.byteLength) {
      throw new ModelFileError(file, `parameter ${s.name} has ${bytes.byteLength} bytes of data, expected ${p.value.byteLength}`);
    }
    new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength).set(bytes);
  });
  return model;
}

/** Saves atomically: an interrupted save leaves the previous file intact. */
export function saveModel(model: Sequential, file: string): void {
  writeFileAtomic(file, JSON.stringify(modelToJSON(model)));
}

export function loadModel(file: string): Sequential {
  return modelFromJSON(readJson(file, (problem) => new ModelFileError(file, problem)), file);
}
