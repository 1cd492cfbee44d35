/**
 * Exports one model of every kind rnnkit can build and validates each file with the
 * ONNX reference checker (full_check). Needs Debian's python3-onnx; .ci/run installs it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Sequential, type LayerSpec } from '../src';
import type { CellType } from '../src/layers/cells';
import { saveOnnx } from '../src/onnx/export';
import { roundWeightsToHalf, saveEnsembleOnnx } from '../src/onnx/ensemble';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-onnx-check-'));
const files: string[] = [];
const save = (name: string, layers: LayerSpec[], inputFeatures = 4, opts = {}) => {
  const file = path.join(dir, `${name}.onnx`);
  saveOnnx(new Sequential({ inputFeatures, layers, seed: 1 }), file, opts);
  files.push(file);
};
for (const type of ['rnn', 'lstm', 'gru'] as CellType[]) {
  for (const bidirectional of [false, true]) {
    save(`${type}-${bidirectional ? 'bi' : 'uni'}-2layer`, [
      { type, hiddenSize: 8, bidirectional } as LayerSpec,
      { type: 'dropout', rate: 0.1 },
      { type, hiddenSize: 8, bidirectional, returnSequences: false } as LayerSpec,
      { type: 'dense', units: 3 },
    ]);
  }
}
save('embedding-gru-softmax', [{ type: 'embedding', vocabSize: 20, embeddingDim: 6 }, { type: 'gru', hiddenSize: 8 }, { type: 'dense', units: 20 }], 1, { outputActivation: 'log_softmax' });
// Keras's GRU form (ONNX linear_before_reset=0), one and two directions.
for (const bidirectional of [false, true]) {
  save(`gru-reset-before-${bidirectional ? 'bi' : 'uni'}`, [{ type: 'gru', hiddenSize: 8, bidirectional, resetAfter: false }, { type: 'dense', units: 3 }]);
}
save('conv1d-gru', [
  { type: 'conv1d', filters: 8, kernelSize: 3, dilation: 2, padding: 'causal', activation: 'relu' },
  { type: 'conv1d', filters: 8, kernelSize: 4, activation: 'tanh' },
  { type: 'gru', hiddenSize: 8, bidirectional: true },
  { type: 'dense', units: 3 },
]);
save('lstm-no-initial-states', [{ type: 'lstm', hiddenSize: 8 }, { type: 'dense', units: 2 }], 4, { initialStateInputs: false });
// Ensembles (float32 and float16 weights), and the shipped speech model, which is one.
const member = (seed: number) => new Sequential({ inputFeatures: 4, layers: [{ type: 'conv1d', filters: 6, kernelSize: 3 }, { type: 'gru', hiddenSize: 8, bidirectional: true }, { type: 'dense', units: 3 }], seed });
for (const weights of ['float32', 'float16'] as const) {
  const members = [member(1), member(2), member(3)];
  if (weights === 'float16') members.forEach(roundWeightsToHalf);
  const file = path.join(dir, `ensemble-${weights}.onnx`);
  saveEnsembleOnnx(members, file, { weights });
  files.push(file);
}
files.push(path.join(__dirname, '..', 'models', 'speech.onnx'));
try {
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'check-onnx.py'), ...files], { stdio: 'inherit' });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
