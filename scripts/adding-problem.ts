/**
 * The adding problem at full size: LSTM and GRU learn it, a tanh RNN stays at the
 * 0.167 baseline. Usage: npm run example:adding -- [T=100] [steps=3000] [cells=lstm,gru,rnn]
 */
import { addingProblem, adam, evaluate, mse, Sequential, takeBatch, trainStep, type CellType } from '../src';

const T = Number(process.argv[2] ?? 100);
const steps = Number(process.argv[3] ?? 3000);
const cells = (process.argv[4] ?? 'lstm,gru,rnn').split(',') as CellType[];
const batchSize = 32;
const test = addingProblem(1000, T, 999);

for (const type of cells) {
  const model = new Sequential({
    inputFeatures: 2,
    seed: 7,
    layers: [{ type, hiddenSize: 64, returnSequences: false, unitForgetBias: true }, { type: 'dense', units: 1 }],
  });
  const optimizer = adam({ lr: 1e-2 });
  const loss = mse();
  const t0 = Date.now();
  let reached = -1;
  for (let step = 1; step <= steps; step++) {
    const batch = takeBatch(addingProblem(batchSize, T, 100000 + step), Array.from({ length: batchSize }, (_, i) => i));
    trainStep(model, batch, { loss, optimizer, clipNorm: 1 });
    if (step % 100 === 0) {
      const testMse = evaluate(model, test, loss, 250);
      if (reached < 0 && testMse < 0.01) reached = step;
      const sec = (Date.now() - t0) / 1000;
      console.log(`${type} T=${T} step ${step}/${steps}  test MSE ${testMse.toFixed(4)}  ${sec.toFixed(0)}s  ETA ${((sec / step) * (steps - step)).toFixed(0)}s`);
    }
  }
  console.log(`${type}: final test MSE ${evaluate(model, test, loss, 250).toFixed(4)}; first below 0.01 at step ${reached < 0 ? 'never' : reached}`);
}
