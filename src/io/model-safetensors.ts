import type { ModelLimits } from '../limits';
import type { Sequential } from '../model';
import type { ParamShape } from '../model-check';
import type { DecodedSafetensors, SafeTensor } from './safetensors';
import { buildStoredModel } from './stored-weights';
import { metadataJson } from './file-metadata';

/**
 * A model as safetensors tensors: one per parameter, named as Sequential.params() names them
 * (`0.weight_ih`, PyTorch's names with the layer index), F32 or F64; the config travels in the
 * metadata as JSON. Checkpoints add their own tensors under other prefixes (`optimizer.`, `state.`).
 */
export function modelTensors(model: Sequential): SafeTensor[] {
  return model.params().map((p) => ({ name: p.qualifiedName, dtype: model.dtype === 'float64' ? 'F64' : 'F32', shape: p.shape, data: p.value }));
}

/** Parameter tensors start with their layer index; other tensors of the file are not the model's. */
const isModelTensor = (name: string) => /^\d+\./.test(name);

export function modelFromSafetensors(decoded: DecodedSafetensors, fail: (problem: string) => Error, limits?: Partial<ModelLimits>): Sequential {
  const config = metadataJson(decoded.metadata, 'config', fail);
  const count = [...decoded.tensors.keys()].filter(isModelTensor).length;
  const find = (expected: ParamShape) => {
    const t = decoded.tensors.get(expected.name);
    return t && { name: expected.name, shape: t.shape, dtype: { F32: 'float32', F64: 'float64', I32: 'int32' }[t.dtype], bytes: t.bytes.byteLength, read: () => t.bytes };
  };
  return buildStoredModel(config, { count, find }, fail, limits);
}
