import * as path from 'path';
import { median, workloadData, type Workload } from './workloads';

type Tf = typeof import('@tensorflow/tfjs');

/** Loads tfjs with the pure-JS CPU backend or the WASM (SIMD) backend. */
export async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<Tf> {
  const tf = require('@tensorflow/tfjs') as Tf;
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

/** ms per step for tfjs on one workload: the same model (recurrent layer + per-step dense), Adam, cross-entropy. */
export async function benchTfjs(tf: Tf, w: Workload, steps: number): Promise<number[]> {
  const model = tf.sequential();
  const rnn = w.cell === 'lstm' ? tf.layers.lstm : tf.layers.gru;
  // tfjs's GRU has no reset_after=true (the PyTorch form); its classic GRU does the same matrix work.
  model.add(rnn({ units: w.hidden, returnSequences: true, inputShape: [w.time, w.input] }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: w.classes }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: tf.losses.softmaxCrossEntropy as never });
  const { x, labels } = workloadData(w);
  const xs = tf.tensor3d(x, [w.batch, w.time, w.input]);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), w.classes).reshape([w.batch, w.time, w.classes]);
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = process.hrtime.bigint();
    if (w.mode === 'train') {
      await model.trainOnBatch(xs, ys);
    } else {
      const y = model.predict(xs) as import('@tensorflow/tfjs').Tensor;
      await y.data();
      y.dispose();
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 2) times.push(ms);
  }
  xs.dispose();
  ys.dispose();
  model.dispose();
  return times;
}

if (require.main === module) {
  (async () => {
    const { WORKLOADS, flops } = require('./workloads') as typeof import('./workloads');
    const tf = await loadTfjs(process.argv[2] as 'cpu' | 'wasm');
    for (const w of WORKLOADS.filter((w) => !process.argv[3] || process.argv[3].split(',').includes(w.id))) {
      const ms = median(await benchTfjs(tf, w, Number(process.argv[4] ?? 5)));
      console.log(`${process.argv[2]} ${w.id} ${ms.toFixed(1)} ms/step ${(flops(w) / ms / 1e6).toFixed(2)} GFLOP/s`);
    }
  })();
}
