/**
 * Measures a binary checkpoint of a large model with Adam moments (README "Model file format"):
 *   node -r @swc-node/register scripts/measure-checkpoint.ts save <file> [hiddenSize=3500]
 *   node -r @swc-node/register scripts/measure-checkpoint.ts load <file>
 * Each run prints its time and peak RSS; run save and load as separate processes.
 */
import * as fs from 'fs';
import { adam, Sequential } from '../src';
import { loadCheckpoint, saveCheckpoint } from '../src/train/checkpoint';
import type { FitState } from '../src/train/fit-state';

const [mode, file, hidden = '3500'] = process.argv.slice(2);
const peakMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

if (mode === 'save') {
  // An LSTM over 64 features: hidden 3500 gives 49.9 M parameters.
  const model = new Sequential({ inputFeatures: 64, seed: 1, layers: [{ type: 'lstm', hiddenSize: Number(hidden) }] });
  const optimizer = adam({ lr: 1e-3 });
  optimizer.step(model.params()); // allocates the moments, as after the first batch
  const state: FitState = {
    epoch: 1, batchStart: 0, order: Array.from({ length: 10000 }, (_, i) => i), shuffleRng: [1, 2, 3, 4, NaN], modelRng: [5, 6, 7, 8, NaN],
    optimizer: optimizer.peekState!(), lr: 1e-3, step: 1, epochLossSum: 0, epochCount: 0, epochNormSum: 0, epochBatches: 0,
    history: { loss: [], valLoss: [], lr: [], gradNorm: [], bestEpoch: 0, stoppedEarly: false, interrupted: false },
    best: Infinity, sinceBest: 0, bestWeights: null, elapsedSeconds: 0, finished: false,
  };
  const before = peakMb();
  const t0 = Date.now();
  saveCheckpoint(file, model, state);
  console.log(`${model.parameterCount()} parameters: saved ${(fs.statSync(file).size / 1e6).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(2)} s; peak RSS ${before} MB before the save, ${peakMb()} MB after`);
} else {
  const t0 = Date.now();
  const { model, state } = loadCheckpoint(file);
  const restored = adam();
  restored.setState(state.optimizer);
  console.log(`${model.parameterCount()} parameters: loaded and restored the optimizer in ${((Date.now() - t0) / 1000).toFixed(2)} s; peak RSS ${peakMb()} MB`);
}
