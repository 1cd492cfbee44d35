import * as ort from 'onnxruntime-node';
import { Sequential } from '../src';
import { exportOnnx } from '../src/onnx/export';
import { workloadData, type Workload } from './workloads';

/** ms per inference for onnxruntime-node on the ONNX export of the same rnnkit model. */
export async function benchOnnxruntime(w: Workload, steps: number): Promise<number[]> {
  const model = new Sequential({ inputFeatures: w.input, seed: 1, layers: [{ type: w.cell, hiddenSize: w.hidden }, { type: 'dense', units: w.classes }] });
  const session = await ort.InferenceSession.create(exportOnnx(model, { initialStateInputs: false }));
  const { x } = workloadData(w);
  const feeds = {
    input: new ort.Tensor('float32', x, [w.batch, w.time, w.input]),
    sequence_lens: new ort.Tensor('int32', new Int32Array(w.batch).fill(w.time), [w.batch]),
  };
  const times: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 3) times.push(ms);
  }
  await session.release();
  return times;
}
