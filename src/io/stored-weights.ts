import { Sequential } from '../model';
import type { ModelLimits } from '../limits';
import { checkModelConfig, type ParamShape } from '../model-check';
import { describeValue, FieldError } from './field-checks';

/** One stored parameter tensor as a file describes it (before any of it is decoded). */
export interface StoredTensor {
  name: unknown;
  shape: unknown;
  /** 'float32' or 'float64' when valid. */
  dtype: unknown;
  /** Bytes of data present. */
  bytes: number;
  /** The data, decoded (called only once every tensor has been checked). */
  read(): Uint8Array;
}

/**
 * Builds a model from a config and its stored tensors, whatever the file format: the config is
 * checked against the limits and every tensor's name, shape, dtype and byte count against the
 * config before the model is allocated. `fail` makes the caller's error type (naming the file).
 */
export function buildStoredModel(
  config: unknown,
  stored: { count: number; find(expected: ParamShape, index: number): StoredTensor | undefined },
  fail: (problem: string) => Error,
  limits?: Partial<ModelLimits>,
): Sequential {
  let shapes: ParamShape[];
  try {
    shapes = checkModelConfig(config, { limits }).shapes;
  } catch (err) {
    throw err instanceof FieldError ? fail(`invalid config: ${err.message}`) : err;
  }
  if (shapes.length !== stored.count) throw fail(`config implies ${shapes.length} parameter tensors, file has ${stored.count}`);
  const dtype = (config as { dtype?: string }).dtype ?? 'float32';
  const tensors = shapes.map((expected, i) => {
    const s = stored.find(expected, i);
    const shape = Array.isArray(s?.shape) ? s!.shape.join('x') : '?';
    if (!s || s.name !== expected.name || shape !== expected.shape.join('x') || s.dtype !== dtype) {
      throw fail(`parameter ${i} is ${describeValue(s?.name)} ${shape} ${describeValue(s?.dtype)}, expected ${expected.name} ${expected.shape.join('x')} ${dtype}`);
    }
    const want = expected.shape.reduce((a, b) => a * b, 1) * (dtype === 'float64' ? 8 : 4);
    if (s.bytes !== want) throw fail(`parameter ${expected.name} has ${s.bytes} bytes of data, expected ${want}`);
    return s;
  });
  let model: Sequential;
  try {
    model = new Sequential(config as ConstructorParameters<typeof Sequential>[0]);
  } catch (err) {
    throw fail(`invalid config: ${(err as Error).message}`);
  }
  model.params().forEach((p, i) => {
    const bytes = tensors[i].read();
    if (bytes.byteLength !== p.value.byteLength) throw fail(`parameter ${p.qualifiedName} holds invalid data`);
    new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength).set(bytes);
  });
  return model;
}
