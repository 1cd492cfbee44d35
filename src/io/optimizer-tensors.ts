import type { OptimizerState } from '../optim/optimizer';
import { metadataCount } from './file-metadata';
import { numberedVectors, readNumberedVectors } from './numbered-vectors';
import type { DecodedSafetensors, SafeTensor } from './safetensors';

/*
 * An optimizer's state in a checkpoint's safetensors file (the engine's and train:speech's): its moment
 * buffers as the F64 tensors optimizer.buffers.<k>, their count in the metadata's "optimizerBuffers",
 * and the rest (step, other slots) as JSON inside the checkpoint's own state metadata.
 */

export function optimizerTensors(optimizer: OptimizerState): { tensors: SafeTensor[]; json: { step: number; slots: OptimizerState['slots'] }; optimizerBuffers: string } {
  const { buffers = [], ...otherSlots } = optimizer.slots;
  return { tensors: numberedVectors('optimizer.buffers', buffers, 'F64'), json: { step: optimizer.step, slots: otherSlots }, optimizerBuffers: String(buffers.length) };
}

/** The state back, from its JSON (as optimizerTensors gave it) and the file's tensors: at most 3 buffers per parameter. */
export function readOptimizerTensors(json: unknown, decoded: DecodedSafetensors, params: number, fail: (problem: string) => Error): Record<string, unknown> {
  const saved = (json ?? {}) as { slots?: Record<string, unknown> };
  const count = metadataCount(decoded.metadata, 'optimizerBuffers', 0, 3 * params, fail);
  return { ...saved, slots: { ...saved.slots, buffers: readNumberedVectors(decoded.tensors, 'optimizer.buffers', count, 'F64', fail) } };
}
