import { beamDecode, greedyDecode } from '../decode/ctc-decode';
import { grammarCandidates, grammarDecode, likeliest, type StepLogits } from './grammar-decode';

export const DECODERS = ['grammar', 'beam', 'greedy'] as const;
export type Decoder = (typeof DECODERS)[number];

/**
 * A speech model's output rows to its members' logits: an ensemble (src/onnx/ensemble.ts) writes
 * K members' C classes side by side, [T, K·C] → K arrays of [T, C]; a single model is one member.
 */
export function splitMembers(rows: Float32Array, T: number, C: number): Float32Array[] {
  const width = rows.length / T;
  if (T < 1 || !Number.isInteger(width) || width % C !== 0 || width === 0) {
    throw new Error(`the model outputs ${width} values per step, not a whole number of ${C}-class members`);
  }
  const K = width / C;
  if (K === 1) return [rows.subarray(0, T * C)];
  return Array.from({ length: K }, (_, m) => {
    const out = new Float32Array(T * C);
    for (let t = 0; t < T; t++) out.set(rows.subarray(t * width + m * C, t * width + (m + 1) * C), t * C);
    return out;
  });
}

/**
 * A batch run's output ([batch, time, K·C], sequences zero-padded to `time`) to each sequence's member
 * outputs, over its own `lengths[b]` steps.
 */
export function batchOutputs(data: Float32Array, time: number, lengths: ArrayLike<number>, C: number): StepLogits[][] {
  const width = data.length / (lengths.length * time);
  return Array.from(lengths, (steps, b) => splitMembers(data.subarray(b * time * width, (b * time + steps) * width), steps, C).map((logits) => ({ logits, steps })));
}

/**
 * Word ids from the outputs of the members, each [steps, C] (the steps may differ: the speed views of
 * speed-views.ts read one clip at other rates). One output decodes as the decoder says. With several,
 * each proposes (its grammar candidates, or its beam or greedy transcript) and all of them judge: the
 * proposal with the highest CTC likelihood summed over the outputs wins. The outputs are not averaged
 * step by step: two CTC models put a word's spike on different steps, and averaging then blurs both
 * (on validation the average of two seeds gave 71% digit WER, each alone 7.5%, their summed sequence
 * likelihood 6.1%).
 */
export function decodeMembers(outputs: readonly StepLogits[], C: number, decoder: Decoder): number[] {
  if (outputs.length === 1) {
    const [{ logits, steps: T }] = outputs;
    return decoder === 'grammar' ? grammarDecode(logits, T, C) : decoder === 'beam' ? beamDecode(logits, T, C, 8) : greedyDecode(logits, T, C);
  }
  const proposals = outputs.flatMap(({ logits, steps: T }) =>
    decoder === 'grammar' ? grammarCandidates(logits, T, C) : [decoder === 'beam' ? beamDecode(logits, T, C, 8) : greedyDecode(logits, T, C)]);
  const unique = [...new Map(proposals.map((p) => [p.join(','), p])).values()];
  return likeliest(unique, outputs, C);
}
