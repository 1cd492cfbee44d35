import { adam, addingProblem, evaluate, mse, Sequential, takeBatch, trainStep, type CellType } from '../src';

/**
 * A short, seeded adding problem (T = 30 instead of 100, so it runs in seconds): gated
 * cells learn to add the two marked values, a tanh RNN stays at the 0.167 baseline.
 * The full-size run is `npm run example:adding`.
 */
const T = 30;
const test = addingProblem(500, T, 999);

function train(type: CellType, steps: number): number {
  const model = new Sequential({
    inputFeatures: 2, seed: 7,
    layers: [{ type, hiddenSize: 32, returnSequences: false, unitForgetBias: true }, { type: 'dense', units: 1 }],
  });
  const optimizer = adam({ lr: 0.01 });
  const all = Array.from({ length: 32 }, (_, i) => i);
  for (let step = 1; step <= steps; step++) {
    trainStep(model, takeBatch(addingProblem(32, T, 100000 + step), all), { loss: mse(), optimizer, clipNorm: 1 });
  }
  return evaluate(model, test, mse(), 250);
}

describe('adding problem (T = 30)', () => {
  it('the baseline of predicting 1 is about 0.167', () => {
    const y = test.y.data;
    const baseline = Array.from(y).reduce((s, v) => s + (v - 1) ** 2, 0) / y.length;
    expect(baseline).toBeGreaterThan(0.14);
    expect(baseline).toBeLessThan(0.19);
  });
  it('LSTM reaches MSE < 0.01', () => expect(train('lstm', 500)).toBeLessThan(0.01));
  it('GRU reaches MSE < 0.01', () => expect(train('gru', 300)).toBeLessThan(0.01));
  it('a tanh RNN stays near the baseline', () => expect(train('rnn', 300)).toBeGreaterThan(0.1));
});
