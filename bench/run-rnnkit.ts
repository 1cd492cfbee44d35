import { adam, crossEntropy, Sequential, trainStep } from '../src';
import { median, workloadData, type Workload } from './workloads';

/** ms per step for rnnkit on one workload. */
export function benchRnnkit(w: Workload, steps: number): number[] {
  const model = new Sequential({
    inputFeatures: w.input, seed: 1,
    layers: [{ type: w.cell, hiddenSize: w.hidden }, { type: 'dense', units: w.classes }],
  });
  const { x, labels } = workloadData(w);
  const seq = { data: x, batch: w.batch, time: w.time, features: w.input };
  const batch = { x: seq, y: { data: labels, batch: w.batch, time: w.time, features: 1 }, lengths: new Int32Array(w.batch).fill(w.time) };
  const opts = { loss: crossEntropy(), optimizer: adam({ lr: 1e-3 }) };
  const times: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const t0 = process.hrtime.bigint();
    if (w.mode === 'train') trainStep(model, batch, opts);
    else model.predict(seq);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 3) times.push(ms); // warm-up steps excluded
  }
  return times;
}

if (require.main === module) {
  const { WORKLOADS, flops } = require('./workloads') as typeof import('./workloads');
  for (const w of WORKLOADS.filter((w) => !process.argv[2] || process.argv[2].split(',').includes(w.id))) {
    const ms = median(benchRnnkit(w, Number(process.argv[3] ?? 10)));
    console.log(`${w.id} ${ms.toFixed(1)} ms/step ${(flops(w) / ms / 1e6).toFixed(2)} GFLOP/s`);
  }
}
