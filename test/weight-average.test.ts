import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeParam } from '../src/core/param';
import { loadModel, saveModel } from '../src/io/model-file';
import { isSafetensors } from '../src/io/safetensors';
import { architectureDifference, Sequential, type LayerSpec } from '../src';
import { averageWeightsInto, WeightAverage } from '../src/optim/weight-average';

const ROOT = path.join(__dirname, '..');

describe('WeightAverage (exponential moving average of the parameters)', () => {
  const make = () => {
    const p = makeParam('w', [2], 'float64');
    p.value.set([1, -2]);
    return p;
  };
  it('follows min(decay, (1 + n) / (10 + n)) step by step', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.5);
    let expected = [1, -2];
    for (let n = 0; n < 6; n++) {
      p.value.set([n + 2, 3 * n]);
      avg.update([p]);
      const d = Math.min(0.5, (1 + n) / (10 + n));
      expected = expected.map((e, i) => d * e + (1 - d) * p.value[i]);
      expect(Array.from(avg.values[0])).toEqual(expected);
    }
    expect(avg.updates).toBe(6);
  });
  it('stays put while the parameters do', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.999);
    for (let n = 0; n < 50; n++) avg.update([p]);
    expect(Array.from(avg.values[0])).toEqual([1, -2]);
  });
  it('applies the average and restores the trained values', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.9);
    p.value.set([5, 5]);
    avg.update([p]);
    const averaged = Array.from(avg.values[0]);
    avg.apply([p]);
    expect(Array.from(p.value)).toEqual(averaged);
    expect(() => avg.apply([p])).toThrow(/apply\(\) called twice/);
    avg.restore([p]);
    expect(Array.from(p.value)).toEqual([5, 5]);
    expect(() => avg.restore([p])).toThrow(/without apply/);
  });
  it('refuses another decay range or other parameters', () => {
    expect(() => new WeightAverage([make()], 1)).toThrow(/decay must be in \(0, 1\), got 1/);
    const avg = new WeightAverage([make()], 0.9);
    expect(() => avg.update([make(), make()])).toThrow(/parameters differ/);
  });
});

describe('averageWeightsInto (a model soup) and npm run models:average', () => {
  const layers = (hidden: number): LayerSpec[] => [{ type: 'gru', hiddenSize: hidden, bidirectional: true }, { type: 'dense', units: 4 }];
  const model = (seed: number, hidden = 5) => new Sequential({ inputFeatures: 3, layers: layers(hidden), seed });

  it('sets the first model\'s weights to the mean of all, parameter by parameter', () => {
    const [a, b, c] = [model(1), model(2), model(3)];
    const expected = a.params().map((p, k) => Array.from(p.value, (v, i) => Math.fround((v + b.params()[k].value[i] + c.params()[k].value[i]) / 3)));
    averageWeightsInto(a.params(), [b.params(), c.params()]);
    a.params().forEach((p, k) => expect(Array.from(p.value)).toEqual(expected[k]));
  });

  it('refuses models whose parameters differ (shape, name, dtype), naming the first that does', () => {
    expect(() => averageWeightsInto(model(1).params(), [model(2, 6).params()])).toThrow(/parameter 1 is 0\.weight_ih 18x3 float32 in model 2, 0\.weight_ih 15x3 float32 in the first/);
    expect(() => averageWeightsInto(model(1).params(), [model(2).params().slice(1)])).toThrow(/model 2 has \d+ parameters, the first \d+/);
    const float64 = new Sequential({ inputFeatures: 3, layers: layers(5), seed: 2, dtype: 'float64' });
    expect(() => averageWeightsInto(model(1).params(), [float64.params()])).toThrow(/15x3 float64 in model 2, 0\.weight_ih 15x3 float32 in the first/);
  });

  it('a setting left out is its default given explicitly; another value of it is another model', () => {
    const gru = (extra: object) => ({ inputFeatures: 3, layers: [{ type: 'gru' as const, hiddenSize: 5, ...extra }, { type: 'dense' as const, units: 4 }] });
    expect(architectureDifference(gru({}), gru({ resetAfter: true, bidirectional: false, returnSequences: true }))).toBeNull();
    expect(architectureDifference(gru({ resetAfter: false }), gru({}))).toBe('config.layers[0].resetAfter is false against true');
    const conv = (extra: object) => ({ inputFeatures: 3, layers: [{ type: 'conv1d' as const, filters: 4, kernelSize: 3, ...extra }] });
    expect(architectureDifference(conv({ padding: 'same', dilation: 1, activation: 'linear' }), conv({}))).toBeNull();
    expect(architectureDifference(conv({}), conv({ padding: 'causal' }))).toBe('config.layers[0].padding is "same" against "causal"');
    // an RNN's activation is a setting of RNNs only: an LSTM's is not filled in
    expect(architectureDifference({ inputFeatures: 3, layers: [{ type: 'rnn', hiddenSize: 5 }] }, { inputFeatures: 3, layers: [{ type: 'rnn', hiddenSize: 5, activation: 'relu' }] })).toBe('config.layers[0].activation is "tanh" against "relu"');
    expect(architectureDifference({ inputFeatures: 3, layers: [{ type: 'lstm', hiddenSize: 5 }] }, { inputFeatures: 3, layers: [{ type: 'lstm', hiddenSize: 5, activation: 'relu' }] })).toBe('config.layers[0].activation is (not set) against "relu"');
  });

  it('the script writes the mean of the files it is given (atomically, by the name\'s format) and refuses another model (its config, the seed aside), writing nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-soup-'));
    try {
      const files = [1, 2].map((seed) => path.join(dir, `m${seed}.json`));
      files.forEach((f, i) => saveModel(model(i + 1), f));
      const out = path.join(dir, 'soup.safetensors');
      const run = (...args: string[]) => spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'average-models.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run(...files, '--out', out).status).toBe(0);
      expect(isSafetensors(fs.readFileSync(out))).toBe(true);
      const [a, b] = files.map((f) => loadModel(f));
      averageWeightsInto(a.params(), [b.params()]);
      loadModel(out).params().forEach((p, k) => expect(p.value).toEqual(a.params()[k].value));
      // the same weight shapes, another computation: refused by the config, and nothing written
      const written = fs.readFileSync(out);
      saveModel(new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 5, bidirectional: true, resetAfter: false }, { type: 'dense', units: 4 }], seed: 3 }), files[1]);
      const refused = run(...files, '--out', out);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/m2\.json is another model than .*m1\.json: config\.layers\[0\]\.resetAfter is false against true/);
      expect(fs.readFileSync(out)).toEqual(written);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
