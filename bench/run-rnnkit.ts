import { adam, crossEntropy, Sequential, trainStep } from '../src';
import { measureSteps, type MeasureOptions } from './measure';
import { workloadData, type Workload } from './workloads';

/** ms per step for rnnkit on one workload (with whichever kernels useRnnkitBackend selected). */
export function benchRnnkit(w: Workload, opts: MeasureOptions): Promise<number[]> {
  const model = new Sequential({
    inputFeatures: w.input, seed: 1,
    layers: [{ type: w.cell, hiddenSize: w.hidden }, { type: 'dense', units: w.classes }],
  });
  const { x, labels } = workloadData(w);
  const seq = { data: x, batch: w.batch, time: w.time, features: w.input };
  const batch = { x: seq, y: { data: labels, batch: w.batch, time: w.time, features: 1 }, lengths: new Int32Array(w.batch).fill(w.time) };
  const trainOpts = { loss: crossEntropy(), optimizer: adam({ lr: 1e-3 }) };
  return measureSteps(w.mode === 'train' ? () => trainStep(model, batch, trainOpts) : () => model.predict(seq), opts);
}
