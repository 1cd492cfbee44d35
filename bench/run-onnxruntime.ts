import * as ort from 'onnxruntime-node';
import { Sequential } from '../src';
import { exportOnnx } from '../src/onnx/export';
import { measureSteps, type MeasureOptions } from './measure';
import { BENCH_THREADS, workloadData, type Workload } from './workloads';

/** Set explicitly (onnxruntime's default picks its own thread count) so the environment line states it. */
export const ORT_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: BENCH_THREADS, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
};

export function describeOnnxruntime(): string {
  const o = ORT_SESSION_OPTIONS;
  return `onnxruntime-node ${require('onnxruntime-node/package.json').version}: CPU execution provider, ` +
    `intra-op threads ${o.intraOpNumThreads}, inter-op threads ${o.interOpNumThreads}, ${o.executionMode} execution, graph optimisation ${o.graphOptimizationLevel}`;
}

/** ms per inference for onnxruntime-node on the ONNX export of the same rnnkit model. */
export async function benchOnnxruntime(w: Workload, opts: MeasureOptions): Promise<number[]> {
  const model = new Sequential({ inputFeatures: w.input, seed: 1, layers: [{ type: w.cell, hiddenSize: w.hidden }, { type: 'dense', units: w.classes }] });
  const session = await ort.InferenceSession.create(exportOnnx(model, { initialStateInputs: false }), ORT_SESSION_OPTIONS);
  const { x } = workloadData(w);
  const feeds = {
    input: new ort.Tensor('float32', x, [w.batch, w.time, w.input]),
    sequence_lens: new ort.Tensor('int32', new Int32Array(w.batch).fill(w.time), [w.batch]),
  };
  const times = await measureSteps(() => session.run(feeds), opts);
  await session.release();
  return times;
}
