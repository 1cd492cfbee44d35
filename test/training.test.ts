import * as fs from 'fs';
import * as path from 'path';
import {
  adam, addingProblem, cosineLR, crossEntropy, DataError, evaluate, fit, gradientNormsPerStep, loadModel, mse,
  NonFiniteError, rmsprop, saveModel, Sequential, sgd, ShapeError, stepLR, takeBatch, trainStep, type Dataset,
  type LayerSpec, type Optimizer,
} from '../src';
import { randomLabels } from './helpers/data';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-train-');

/** Per-step task: output at t is the input token at t-1 ("echo with delay"), with ragged lengths. */
function delayTask(n: number, T: number, V: number, seed: number): Dataset {
  const ids = randomLabels(n * T, V, seed);
  const x = new Float32Array(n * T * V);
  const y = new Int32Array(n * T);
  const lengths = Int32Array.from({ length: n }, (_, i) => T - (i % 3));
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      x[(i * T + t) * V + ids[i * T + t]] = 1;
      y[i * T + t] = t === 0 ? 0 : ids[i * T + t - 1];
    }
  }
  return { x: { data: x, batch: n, time: T, features: V }, y: { data: y, batch: n, time: T, features: 1 }, lengths };
}

const lstmSpec = (V: number, extra: Partial<LayerSpec> = {}): LayerSpec[] => [
  { type: 'lstm', hiddenSize: 16, ...extra } as LayerSpec,
  { type: 'dense', units: V },
];

describe('fit', () => {
  const V = 4;
  const train = delayTask(96, 8, V, 1);
  const val = delayTask(32, 8, V, 2);

  it('learns a per-step task with ragged lengths, logging progress lines', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    const lines: string[] = [];
    const before = evaluate(model, val, crossEntropy());
    const h = fit(model, train, {
      loss: crossEntropy(), optimizer: adam({ lr: 0.02 }), epochs: 25, batchSize: 16, validation: val, log: (l) => lines.push(l),
    });
    expect(before).toBeGreaterThan(1.2);
    expect(h.valLoss[h.valLoss.length - 1]).toBeLessThan(0.25);
    expect(lines).toHaveLength(25);
    expect(lines[0]).toMatch(/^epoch 1\/25 - loss [\d.]+ - val_loss [\d.]+ - lr 0\.0200 - [\d.]+s - ETA /);
  });

  it('is bit-identical for the same seed and different for another seed', () => {
    const run = (seed: number) => {
      const model = new Sequential({ inputFeatures: V, layers: [{ type: 'gru', hiddenSize: 8 }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: V }], seed });
      const h = fit(model, train, { loss: crossEntropy(), epochs: 2, batchSize: 16, log: false });
      return { loss: h.loss, weights: model.getWeights().map((w) => Buffer.from(w.buffer).toString('hex')).join('') };
    };
    const a = run(5);
    const b = run(5);
    expect(b.loss).toEqual(a.loss);
    expect(b.weights).toBe(a.weights);
    expect(run(6).weights).not.toBe(a.weights);
  });

  it('applies LR schedules per epoch', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    const h = fit(model, train, { loss: crossEntropy(), epochs: 4, schedule: stepLR(0.1, 2, 0.5), optimizer: sgd({ lr: 0.1, momentum: 0.9 }), log: false });
    expect(h.lr).toEqual([0.1, 0.1, 0.05, 0.05]);
    const cos = cosineLR(1, 10, 0);
    expect(cos(0)).toBeCloseTo(1);
    expect(cos(5)).toBeCloseTo(0.5);
    expect(cos(10)).toBeCloseTo(0);
  });

  it('stops early and restores the best weights', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    // A huge learning rate makes validation loss worse after the first epochs.
    const h = fit(model, train, {
      loss: crossEntropy(), epochs: 30, optimizer: rmsprop({ lr: 0.5 }), validation: val, earlyStopping: { patience: 2 }, log: false,
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.valLoss.length).toBeLessThan(30);
    expect(evaluate(model, val, crossEntropy())).toBeCloseTo(Math.min(...h.valLoss), 5);
  });

  it('clips gradients by global norm and by value', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    const batch = takeBatch(train, [0, 1, 2, 3]);
    const optimizer = sgd({ lr: 1e-9 });
    const before = trainStep(model, batch, { loss: crossEntropy(), optimizer });
    expect(before.gradNorm).toBeGreaterThan(0.05);
    trainStep(model, batch, { loss: crossEntropy(), optimizer, clipNorm: 0.01 });
    const clippedNorm = Math.sqrt(model.params().reduce((s, p) => s + Array.from(p.grad).reduce((a, g) => a + g * g, 0), 0));
    expect(clippedNorm).toBeCloseTo(0.01, 4);
    trainStep(model, batch, { loss: crossEntropy(), optimizer, clipValue: 1e-3 });
    expect(Math.max(...model.params().map((p) => Math.max(...Array.from(p.grad, Math.abs))))).toBeLessThanOrEqual(1e-3 + 1e-9);
  });

  it('truncated BPTT sees the same forward pass as full BPTT (state carried across windows)', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 3 });
    const frozen: Optimizer = { name: 'frozen', lr: 0, step: () => undefined, getState: () => ({ step: 0, slots: {} }), setState: () => undefined };
    const batch = takeBatch(delayTask(8, 24, V, 4), [0, 1, 2, 3, 4, 5, 6, 7]);
    const full = trainStep(model, batch, { loss: crossEntropy(), optimizer: frozen });
    const fullGrad = Array.from(model.params()[1].grad);
    const windows = trainStep(model, batch, { loss: crossEntropy(), optimizer: frozen, tbptt: 5 });
    expect(windows.count).toBe(full.count);
    expect(windows.lossSum).toBeCloseTo(full.lossSum, 4);
    // ...while the gradient of the last window alone differs from the full one.
    expect(Array.from(model.params()[1].grad)).not.toEqual(fullGrad);
  });

  it('truncated BPTT trains with state carried across windows', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 3 });
    const longTrain = delayTask(64, 24, V, 3);
    const h = fit(model, longTrain, { loss: crossEntropy(), optimizer: adam({ lr: 0.02 }), epochs: 15, batchSize: 16, tbptt: 6, log: false });
    // Windows of 6 still learn a delay of one step, because the state crosses window boundaries.
    expect(h.loss[h.loss.length - 1]).toBeLessThan(0.3);
    const bi = new Sequential({ inputFeatures: V, layers: lstmSpec(V, { bidirectional: true }), seed: 3 });
    expect(() => fit(bi, longTrain, { loss: crossEntropy(), epochs: 1, tbptt: 6, log: false })).toThrow(/unidirectional/);
  });

  it('reports a non-finite loss at once, naming the step', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    model.params()[0].value[0] = NaN;
    expect(() => fit(model, train, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(NonFiniteError);
    expect(() => fit(model, train, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(/step 1: the loss is NaN.*lower learning rate/);
  });

  it('rejects bad data with errors that name the problem', () => {
    const model = new Sequential({ inputFeatures: V, layers: lstmSpec(V), seed: 1 });
    const bad = delayTask(8, 8, V, 1);
    bad.x.data[3 * 8 * V + 2 * V + 1] = NaN;
    expect(() => fit(model, bad, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(new DataError('training data: x has NaN at sequence 3, step 2, feature 1'));
    const empty: Dataset = { x: { data: new Float32Array(0), batch: 0, time: 8, features: V }, y: { data: new Int32Array(0), batch: 0, time: 8, features: 1 } };
    expect(() => fit(model, empty, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(/empty/);
    const wide = delayTask(8, 8, V + 1, 1);
    expect(() => fit(model, wide, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(ShapeError);
    const labels = delayTask(8, 8, V, 1);
    labels.y.data[5] = 9;
    expect(() => fit(model, labels, { loss: crossEntropy(), epochs: 1, log: false })).toThrow(/label 9 .* outside the 4 classes/);
  });
});

describe('optimizer state', () => {
  it('restored moments must fit the parameters they are stepped with (no silent restart of the moments)', () => {
    const model = new Sequential({ inputFeatures: 2, seed: 3, layers: [{ type: 'dense', units: 2 }] });
    const other = new Sequential({ inputFeatures: 3, seed: 3, layers: [{ type: 'dense', units: 2 }] });
    const trained = adam({ lr: 0.01 });
    trained.step(model.params());
    const restored = adam({ lr: 0.01 });
    restored.setState(trained.getState());
    expect(() => restored.step(other.params())).toThrow(/adam: the restored state holds moments for 2 parameters \(4, 2 values\), not for the 2 given \(6, 2\)/);
    const fitting = adam({ lr: 0.01 });
    fitting.setState(trained.getState());
    expect(() => fitting.step(model.params())).not.toThrow();
    // after a step, the optimizer may be reused for other parameters: fresh moments, as before
    expect(() => fitting.step(other.params())).not.toThrow();
    const { step, slots } = trained.getState();
    expect(() => adam({ lr: 0.01 }).setState({ step, slots: { buffers: slots.buffers!.slice(0, 3) } })).toThrow(/adam: 3 moment buffers in the state to restore, not a multiple of the 2 it keeps per parameter/);
  });
});

describe('save and load', () => {
  it.each(['float32', 'float64'] as const)('round-trips a %s model exactly', (dtype) => {
    const layers: LayerSpec[] = [
      { type: 'embedding', vocabSize: 7, embeddingDim: 3 },
      { type: 'gru', hiddenSize: 5, bidirectional: true },
      { type: 'dropout', rate: 0.1 },
      { type: 'lstm', hiddenSize: 4, returnSequences: false },
      { type: 'dense', units: 2 },
    ];
    const model = new Sequential({ inputFeatures: 1, layers, seed: 11, dtype });
    const file = path.join(tmp, `m-${dtype}.json`);
    saveModel(model, file);
    const back = loadModel(file);
    expect(back.config).toEqual(model.config);
    expect(back.getWeights()).toEqual(model.getWeights());
    const x = { data: Float32Array.from(randomLabels(3 * 6, 7)), batch: 3, time: 6, features: 1 };
    expect(back.predict(x, [6, 2, 4]).data).toEqual(model.predict(x, [6, 2, 4]).data);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('names the problem with bad model files', () => {
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(file, '{"format":"rnnkit-model","version":99,"config":{},"params":[]}');
    expect(() => loadModel(file)).toThrow(/bad\.json: model file version 99 is newer/);
    fs.writeFileSync(file, '{"format":"rnnkit-mod');
    expect(() => loadModel(file)).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadModel(path.join(tmp, 'missing.json'))).toThrow(/missing\.json: cannot read: ENOENT/);
    const model = new Sequential({ inputFeatures: 2, layers: [{ type: 'rnn', hiddenSize: 3 }], seed: 1 });
    saveModel(model, file);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.params[1].data = json.params[1].data.slice(8);
    fs.writeFileSync(file, JSON.stringify(json));
    expect(() => loadModel(file)).toThrow(/parameter 0\.weight_hh has \d+ bytes of data, expected 36/);
  });
});

describe('gradient-norm diagnostics', () => {
  it('shows gradients vanishing through a tanh RNN but carried by an LSTM', () => {
    const T = 60;
    const data = addingProblem(16, T, 4);
    const norms = (type: 'rnn' | 'lstm') => {
      const model = new Sequential({ inputFeatures: 2, seed: 2, layers: [{ type, hiddenSize: 32, returnSequences: false, unitForgetBias: true }, { type: 'dense', units: 1 }] });
      const r = gradientNormsPerStep(model, data.x, data.y, mse());
      const n = r.layers[0].directions[0];
      expect(n).toHaveLength(T);
      return n[0] / n[T - 1]; // how much of the last step's gradient survives to the first step
    };
    const rnnRatio = norms('rnn');
    const lstmRatio = norms('lstm');
    expect(rnnRatio).toBeLessThan(1e-3);
    expect(lstmRatio).toBeGreaterThan(100 * rnnRatio);
  });
});
