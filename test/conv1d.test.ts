import * as path from 'path';
import { adam, fit, loadModel, mse, saveModel, Sequential, ShapeError, type Conv1DSpec, type LayerSpec } from '../src';
import type { DType } from '../src/core/dtype';
import { backendAvailable, getBackend, setBackend, type Backend } from '../src/kernels';
import { Conv1D, CONV1D_MAX_BLOCK_VALUES } from '../src/layers/conv1d';
import { Rng } from '../src/core/rng';
import { carryState } from '../src/nlp/recurrent-state';
import { checkModelConfig } from '../src/model-check';
import { layerRows } from '../src/notebook/summary';
import { maxAbsDiff } from './helpers/compare';
import { randomSeq } from './helpers/data';
import { CONV1D_SPECS, conv1dName } from './helpers/conv1d-specs';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-conv1d-');
const I = 3;
const T = 7;

/** One sequence of a batch, cut to its first `length` steps. */
function sequenceAlone(x: { data: ArrayLike<number>; time: number; features: number }, b: number, length: number, dtype: DType) {
  const F = x.features;
  const data = (dtype === 'float64' ? Float64Array : Float32Array).from(Array.prototype.slice.call(x.data, b * x.time * F, (b * x.time + length) * F));
  return { data, batch: 1, time: length, features: F };
}

describe.each(CONV1D_SPECS.map((s) => [conv1dName(s), s] as const))('conv1d %s', (_name, spec) => {
  it.each(['float64', 'float32'] as const)('%s: a padded batch gives on every valid step what each sequence gives alone, zeros beyond; padding values are ignored', (dtype) => {
    // conv1d twice, so the second layer reads the first one's outputs at padded steps too.
    const model = new Sequential({ inputFeatures: I, dtype, seed: 5, layers: [spec, { ...spec, filters: 2 }] });
    const lengths = [7, 4, 1, 5];
    const x = randomSeq(dtype, lengths.length, T, I, 6); // padded steps hold random values, not zeros
    const y = model.predict(x, lengths);
    const F = model.outputFeatures;
    lengths.forEach((L, b) => {
      const alone = model.predict(sequenceAlone(x, b, L, dtype));
      expect(maxAbsDiff(y.data.subarray(b * T * F, (b * T + L) * F), alone.data)).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6);
      expect(Array.from(y.data.subarray((b * T + L) * F, (b + 1) * T * F)).every((v) => v === 0)).toBe(true);
    });
    expect(() => model.backward(y)).toThrow(/conv1d: backward needs a forward that kept its caches/);
    // Training forward (with caches) computes the same as inference.
    expect(maxAbsDiff(model.forward(x, { lengths }).data, y.data)).toBe(0);
  });
});

describe('conv1d checks its spec', () => {
  const bad: [string, Partial<Conv1DSpec>, RegExp][] = [
    ['filters 0', { filters: 0 }, /^conv1d: filters must be a positive integer, got 0$/],
    ['no filters (required: only dilation has a default)', { filters: undefined }, /^conv1d: filters must be a positive integer, got undefined$/],
    ['no kernelSize (required)', { kernelSize: undefined }, /^conv1d: kernelSize must be a positive integer, got undefined$/],
    ['a fractional kernelSize', { kernelSize: 2.5 }, /^conv1d: kernelSize must be a positive integer, got 2\.5$/],
    ['dilation 0', { dilation: 0 }, /^conv1d: dilation must be a positive integer, got 0$/],
    ['an unknown padding', { padding: 'valid' as never }, /^conv1d: padding must be one of same, causal, got valid$/],
    ['an unknown activation', { activation: 'sigmoid' as never }, /^conv1d: activation must be one of linear, relu, tanh, got sigmoid$/],
  ];
  it.each(bad)('%s: a ShapeError from Sequential', (_n, change, message) => {
    const layers = [{ type: 'conv1d', filters: 2, kernelSize: 3, ...change } as LayerSpec];
    expect(() => new Sequential({ inputFeatures: I, layers })).toThrow(ShapeError);
    expect(() => new Sequential({ inputFeatures: I, layers })).toThrow(message);
  });

  it.each([
    [{ filters: 0 }, /layers\[0\]\.filters: must be a positive integer, got 0$/],
    [{ filters: undefined }, /layers\[0\]\.filters: must be an integer, got undefined$/],
    [{ kernelSize: undefined }, /layers\[0\]\.kernelSize: must be an integer, got undefined$/],
    [{ kernelSize: 9000 }, /layers\[0\]\.kernelSize: 9000 is over the limit of 8192 \(raise it with --max-width/],
    [{ dilation: -1 }, /layers\[0\]\.dilation: must be a positive integer, got -1$/],
    [{ padding: 'valid' }, /layers\[0\]\.padding: must be one of same, causal; got "valid"$/],
    [{ activation: 'gelu' }, /layers\[0\]\.activation: must be one of linear, relu, tanh; got "gelu"$/],
    [{ stride: 2 }, /layers\[0\]: unknown field "stride"/],
  ])('an untrusted config with %o is refused field by field', (change, message) => {
    expect(() => checkModelConfig({ inputFeatures: I, layers: [{ type: 'conv1d', filters: 2, kernelSize: 3, ...change }] }, { strict: true })).toThrow(message);
  });
});

it('weights are laid out and initialised as torch.nn.Conv1d: weight [filters, in, kernel], bias [filters], both U(±1/sqrt(in·kernel))', () => {
  const model = new Sequential({ inputFeatures: 5, seed: 2, layers: [{ type: 'conv1d', filters: 64, kernelSize: 3 }] });
  const [w, b] = model.params();
  expect([w.qualifiedName, w.shape, b.qualifiedName, b.shape]).toEqual(['0.weight', [64, 5, 3], '0.bias', [64]]);
  const bound = 1 / Math.sqrt(15);
  for (const p of [w, b]) {
    const values = Array.from(p.value);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  }
});

describe('conv1d unrolls and multiplies in blocks of rows (a bounded workspace)', () => {
  const spec: Conv1DSpec = { type: 'conv1d', filters: 4, kernelSize: 3, dilation: 2, activation: 'tanh' };
  const x = randomSeq('float64', 3, T, I, 11);
  const lengths = Int32Array.from([7, 4, 1]);
  /** Output, dx and gradients of a Conv1D whose unrolled blocks hold at most `blockValues` values. */
  const run = (blockValues?: number) => {
    const layer = new Conv1D(spec, I, 'float64', new Rng(1), blockValues);
    const y = layer.forward(x, { lengths, training: true, rng: new Rng(2) });
    const dx = layer.backward({ ...y, data: y.data.map((_, i) => Math.cos(i)) });
    return { y: y.data, dx: dx.data, grads: layer.params().map((p) => p.grad) };
  };
  const whole = run();
  it.each([
    ['one row', 1],
    ['3 rows (the last block shorter: 21 rows)', 3 * I * 3],
    ['5 rows and a bit (rounded down to 5)', 5 * I * 3 + 7],
  ])('blocks of %s give what one block gives', (_name, blockValues) => {
    const blocked = run(blockValues);
    expect(maxAbsDiff(blocked.y, whole.y)).toBeLessThan(1e-14);
    expect(maxAbsDiff(blocked.dx, whole.dx)).toBeLessThan(1e-14);
    blocked.grads.forEach((g, i) => expect(maxAbsDiff(g, whole.grads[i])).toBeLessThan(1e-13));
  });

  it('the default block holds a whole speech-model batch (32 x 100 steps x 78 inputs x 5 taps), so that runs as one product', () => {
    expect(32 * 100 * 78 * 5).toBeLessThanOrEqual(CONV1D_MAX_BLOCK_VALUES);
  });

  it("keeps its own kernelSize: changing the caller's spec object later does not change the layer", () => {
    const mine: Conv1DSpec = { ...spec };
    const layer = new Conv1D(mine, I, 'float64', new Rng(1));
    const before = layer.forward(x, { lengths, training: false, inference: true, rng: new Rng(2) }).data;
    mine.kernelSize = 5;
    expect(layer.forward(x, { lengths, training: false, inference: true, rng: new Rng(2) }).data).toEqual(before);
  });
});

describe('a model with conv1d', () => {
  const layers: LayerSpec[] = [
    { type: 'conv1d', filters: 6, kernelSize: 5, dilation: 2, padding: 'causal', activation: 'relu' },
    { type: 'gru', hiddenSize: 5, bidirectional: true },
    { type: 'dense', units: 2 },
  ];

  it('says what the layer is in summaries', () => {
    const model = new Sequential({ inputFeatures: I, seed: 1, layers });
    const rows = model.summary().split('\n');
    // The longest label is followed by one space, as a label that fills the usual column.
    expect(rows[0]).toMatch(/^ 0 {2}conv1d \(kernel 5, dilation 2, causal, relu\) 3 -> 6 +96 params$/);
    // A label longer than the usual column moves the shapes of every row right, keeping them aligned.
    expect(new Set(rows.slice(0, 3).map((r) => r.search(/\d+ -> /))).size).toBe(1);
    expect(layerRows(model)[0]).toEqual({ index: 0, layer: 'conv1d 6 (kernel 5, dilation 2, causal, relu)', outputShape: '(batch, time, 6)', parameters: 96 });
  });

  it.each(['m.json', 'm.safetensors'])('saves and loads (%s) bit for bit, computing the same', (file) => {
    const model = new Sequential({ inputFeatures: I, seed: 1, layers });
    saveModel(model, path.join(tmp, file));
    const back = loadModel(path.join(tmp, file));
    expect(back.config).toEqual(model.config);
    expect(back.layers[0]).toBeInstanceOf(Conv1D);
    const x = randomSeq('float32', 2, T, I, 3);
    expect(maxAbsDiff(back.predict(x, [7, 3]).data, model.predict(x, [7, 3]).data)).toBe(0);
  });

  it('trains: the loss falls on a task that needs the convolution to look back (y_t = x_{t-2})', () => {
    const model = new Sequential({ inputFeatures: 1, seed: 3, layers: [{ type: 'conv1d', filters: 1, kernelSize: 3, padding: 'causal' }] });
    const x = randomSeq('float32', 32, 12, 1, 4);
    const y = { ...x, data: x.data.map((_, i) => (i % 12 >= 2 ? x.data[i - 2] : 0)) };
    const history = fit(model, { x, y }, { loss: mse(), optimizer: adam({ lr: 0.05 }), epochs: 150, batchSize: 32, log: false });
    expect(history.loss[history.loss.length - 1]).toBeLessThan(1e-3 * history.loss[0]);
    // Causal taps read t-2, t-1, t: the copy is the first tap alone.
    expect(maxAbsDiff(model.params()[0].value, [1, 0, 0])).toBeLessThan(0.02);
  });
});

it('truncated BPTT is refused: a window edge would cut the convolution off from its neighbours', () => {
  const model = new Sequential({ inputFeatures: 1, layers: [{ type: 'conv1d', filters: 1, kernelSize: 3, padding: 'causal' }] });
  const x = randomSeq('float32', 2, 8, 1);
  expect(() => fit(model, { x, y: x }, { loss: mse(), epochs: 1, tbptt: 4, log: false })).toThrow(/truncated BPTT cannot split a model with conv1d layers/);
});

it('carryState refuses a model with conv1d: the next chunk would start its convolution from zeros', () => {
  const model = new Sequential({ inputFeatures: 1, layers: [{ type: 'conv1d', filters: 2, kernelSize: 3 }, { type: 'gru', hiddenSize: 2 }] });
  model.predict(randomSeq('float32', 1, 4, 1));
  expect(() => carryState(model)).toThrow(ShapeError);
  expect(() => carryState(model)).toThrow(/carryState cannot continue a model with conv1d layers across chunks/);
});

/** The float32 backends other than JS, as test/backends.test.ts requires them: wasm always, native where available. */
const fast: Backend[] = backendAvailable('native') ? ['wasm', 'native'] : ['wasm'];
describe.each(fast)('conv1d on the %s kernels', (backend) => {
  const initial = getBackend();
  afterAll(() => setBackend(initial));
  it.each(CONV1D_SPECS.map((s) => [conv1dName(s), s] as const))('%s: outputs, gradients and dx agree with float64 to 1e-5', (_name, spec) => {
    const layers: LayerSpec[] = [{ ...spec, filters: 24 }, { type: 'dense', units: 3 }];
    const x64 = randomSeq('float64', 3, 20, 10, 7);
    const lengths = [20, 13, 2];
    const run = (dtype: DType) => {
      const model = new Sequential({ inputFeatures: 10, layers, seed: 4, dtype });
      model.setWeights(new Sequential({ inputFeatures: 10, layers, seed: 4 }).getWeights());
      const x = { ...x64, data: dtype === 'float64' ? x64.data : Float32Array.from(x64.data) };
      const y = model.forward(x, { lengths });
      model.zeroGrad();
      const dx = model.backward({ ...y, data: y.data.map((_, i) => Math.sin(i)) })!;
      return { y: y.data, dx: dx.data, grads: model.params().map((p) => p.grad) };
    };
    const want = run('float64');
    setBackend(backend);
    const got = run('float32');
    setBackend(initial);
    expect(maxAbsDiff(got.y, want.y)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.dx, want.dx)).toBeLessThan(1e-5);
    got.grads.forEach((g, i) => expect(maxAbsDiff(g, want.grads[i])).toBeLessThan(1e-4));
  });
});
