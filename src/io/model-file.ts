import { readJson } from './read-file';
import { Sequential, type ModelConfig } from '../model';
import { writeFileAtomic } from './atomic-write';
import { FileError } from './file-error';
import { describeValue, FieldError } from './field-checks';
import type { ModelLimits } from '../limits';
import { checkModelConfig, type ParamShape } from '../model-check';

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

/**
 * Builds the model a model file describes. The config is checked against `limits` and the weight
 * bytes present are counted (from the base64 lengths) before anything is allocated.
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
  let shapes: ParamShape[];
  try {
    shapes = checkModelConfig(m.config, { limits }).shapes;
  } catch (err) {
    if (err instanceof FieldError) throw new ModelFileError(file, `invalid config: ${err.message}`);
    throw err;
  }
  if (shapes.length !== m.params.length) {
    throw new ModelFileError(file, `config implies ${shapes.length} parameter tensors, file has ${m.params.length}`);
  }
  const dtype = m.config.dtype ?? 'float32';
  // Every tensor's name, shape and byte count is checked before the model is allocated.
  shapes.forEach((expected, i) => {
    const s = m.params![i] ?? ({} as StoredParam);
    const shape = Array.isArray(s.shape) ? s.shape.join('x') : '?';
    if (s.name !== expected.name || shape !== expected.shape.join('x') || s.dtype !== dtype) {
      throw new ModelFileError(file, `parameter ${i} is ${describeValue(s.name)} ${shape} ${describeValue(s.dtype)}, expected ${expected.name} ${expected.shape.join('x')} ${dtype}`);
    }
    const bytes = base64Bytes(s.data);
    const want = expected.shape.reduce((a, b) => a * b, 1) * (dtype === 'float64' ? 8 : 4);
    if (bytes !== want) throw new ModelFileError(file, `parameter ${s.name} has ${bytes} bytes of data, expected ${want}`);
  });
  let model: Sequential;
  try {
    model = new Sequential(m.config);
  } catch (err) {
    throw new ModelFileError(file, `invalid config: ${(err as Error).message}`);
  }
  model.params().forEach((p, i) => {
    const bytes = Buffer.from(m.params![i].data, 'base64');
    if (bytes.byteLength !== p.value.byteLength) throw new ModelFileError(file, `parameter ${p.qualifiedName} is not valid base64`);
    new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength).set(bytes);
  });
  return model;
}

/** Bytes a base64 string decodes to, without decoding it (0 for anything else). */
function base64Bytes(data: unknown): number {
  if (typeof data !== 'string') return 0;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** Saves atomically: an interrupted save leaves the previous file intact. */
export function saveModel(model: Sequential, file: string): void {
  writeFileAtomic(file, JSON.stringify(modelToJSON(model)));
}

export function loadModel(file: string, limits?: Partial<ModelLimits>): Sequential {
  return modelFromJSON(readJson(file, (problem) => new ModelFileError(file, problem)), file, limits);
}
