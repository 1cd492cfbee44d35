import * as path from 'path';
import { measureSteps, type MeasureOptions } from './measure';
import { workloadData, type Workload } from './workloads';

type Tf = typeof import('@tensorflow/tfjs');
export type TfjsBackend = 'cpu' | 'wasm';

/** Loads tfjs with the pure-JS CPU backend or the WASM (SIMD) backend. */
export async function loadTfjs(backend: TfjsBackend): Promise<Tf> {
  const tf = require('@tensorflow/tfjs') as Tf;
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

/** Version and backend of a loaded tfjs, with the WASM backend's SIMD and thread support. */
export async function describeTfjs(tf: Tf): Promise<string> {
  const backend = tf.getBackend();
  let detail = backend === 'cpu' ? 'pure JS, 1 thread' : backend;
  if (backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    detail = `SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : '1 thread'}`;
  }
  return `tfjs ${tf.version.tfjs} backend ${backend} (${detail})`;
}

/** ms per step for tfjs on one workload: the same model (recurrent layer + per-step dense), Adam, cross-entropy. */
export async function benchTfjs(tf: Tf, w: Workload, opts: MeasureOptions): Promise<number[]> {
  const model = tf.sequential();
  const rnn = w.cell === 'lstm' ? tf.layers.lstm : tf.layers.gru;
  // tfjs's GRU has no reset_after=true (the PyTorch form); its classic GRU does the same matrix work.
  model.add(rnn({ units: w.hidden, returnSequences: true, inputShape: [w.time, w.input] }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: w.classes }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: tf.losses.softmaxCrossEntropy as never });
  const { x, labels } = workloadData(w);
  const xs = tf.tensor3d(x, [w.batch, w.time, w.input]);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), w.classes).reshape([w.batch, w.time, w.classes]);
  const infer = async () => {
    const y = model.predict(xs) as import('@tensorflow/tfjs').Tensor;
    await y.data();
    y.dispose();
  };
  const times = await measureSteps(w.mode === 'train' ? () => model.trainOnBatch(xs, ys) : infer, opts);
  xs.dispose();
  ys.dispose();
  model.dispose();
  return times;
}
