import { Sequential, type LayerSpec } from '../src';
import type { CellType } from '../src/layers/cells';
import type { Recurrent } from '../src/layers/recurrent';
import { exportOnnx } from '../src/onnx/export';
import { OnnxModel } from '../src/onnx/onnx-model';
import { randomLabels, randomSeq } from './helpers/data';
import { maxAbsDiff } from './helpers/compare';
import { CONV_AFTER_LAST_STEP } from './helpers/conv1d-specs';

const TOL = 1e-5;
const T = 9;

// The GRU in both forms: PyTorch's (linear_before_reset=1) and Keras's reset_after=False (0).
const VARIANTS: Record<string, { type: CellType; resetAfter?: boolean }> = {
  rnn: { type: 'rnn' }, lstm: { type: 'lstm' }, gru: { type: 'gru' }, 'gru resetAfter=false': { type: 'gru', resetAfter: false },
};
const grid: [string, boolean, number][] = [];
for (const name of Object.keys(VARIANTS)) for (const bi of [false, true]) for (const layers of [1, 2]) grid.push([name, bi, layers]);

describe.each(grid)('ONNX parity with onnxruntime: %s bidirectional=%s layers=%i', (variant, bidirectional, numLayers) => {
  const { type } = VARIANTS[variant];
  const layers: LayerSpec[] = [];
  for (let i = 0; i < numLayers; i++) {
    // Hidden 8 takes the fused wasm forward kernel, 6 the general path.
    layers.push({ ...VARIANTS[variant], hiddenSize: i === 0 ? 8 : 6, bidirectional, activation: type === 'rnn' && i === 1 ? 'relu' : 'tanh' } as LayerSpec);
    if (i === 0 && numLayers > 1) layers.push({ type: 'dropout', rate: 0.3 });
  }
  layers.push({ type: 'dense', units: 3 });
  const model = new Sequential({ inputFeatures: 4, layers, seed: 21 });
  let onnx: OnnxModel;
  beforeAll(async () => {
    onnx = await OnnxModel.load(exportOnnx(model));
  });
  afterAll(() => onnx.release());

  it.each([
    [1, [5]],
    [7, [9, 1, 4, 9, 2, 7, 3]],
  ])('batch %i, ragged lengths: outputs and final states', async (B, lengths) => {
    const x = randomSeq('float32', B, T, 4, B);
    const expected = model.predict(x, lengths);
    const got = await onnx.run(x, { lengths });
    expect(maxAbsDiff(got.output.data, expected.data)).toBeLessThan(TOL);
    model.layers.forEach((l, k) => {
      if (!('directions' in l)) return;
      const rec = l as Recurrent;
      const h = rec.finalState.flatMap((s) => Array.from(s.h));
      expect(maxAbsDiff(got.states[`h_n_l${k}`], h)).toBeLessThan(TOL);
      if (type === 'lstm') expect(maxAbsDiff(got.states[`c_n_l${k}`], rec.finalState.flatMap((s) => Array.from(s.c!)))).toBeLessThan(TOL);
    });
  });

  it('with given initial states', async () => {
    const B = 3;
    const x = randomSeq('float32', B, T, 4, 8);
    const recs = model.layers.map((l, k) => [l, k] as const).filter(([l]) => 'directions' in l) as [Recurrent, number][];
    const D = bidirectional ? 2 : 1;
    const states: Record<string, Float32Array> = {};
    recs.forEach(([rec, k], i) => {
      const H = rec.spec.hiddenSize;
      const h = randomSeq('float32', 1, D * B, H, 30 + i).data as Float32Array;
      const c = randomSeq('float32', 1, D * B, H, 40 + i).data as Float32Array;
      states[`initial_h_l${k}`] = h;
      if (type === 'lstm') states[`initial_c_l${k}`] = c;
      rec.initialState = Array.from({ length: D }, (_, d) => ({
        h: h.slice(d * B * H, (d + 1) * B * H),
        c: type === 'lstm' ? c.slice(d * B * H, (d + 1) * B * H) : undefined,
      }));
    });
    const expected = model.predict(x, [9, 6, 2]);
    recs.forEach(([rec]) => (rec.initialState = null));
    const got = await onnx.run(x, { lengths: [9, 6, 2], initialStates: states });
    expect(maxAbsDiff(got.output.data, expected.data)).toBeLessThan(TOL);
  });
});

// conv1d as a front end and between recurrent layers: Mul by the mask from sequence_lens, Conv
// (same/causal pads, dilations), activation; garbage in padded input steps must not leak in.
const CONV_MODELS: [string, LayerSpec[]][] = [
  ['conv1d same, kernel 4 (odd pad on the right), tanh', [{ type: 'conv1d', filters: 5, kernelSize: 4, activation: 'tanh' }]],
  ['conv1d same dilation 2 relu -> conv1d causal -> dense', [
    { type: 'conv1d', filters: 6, kernelSize: 3, dilation: 2, activation: 'relu' },
    { type: 'conv1d', filters: 5, kernelSize: 2, padding: 'causal' },
    { type: 'dense', units: 3 },
  ]],
  ['conv1d causal dilation 3 -> bidirectional gru -> conv1d -> last-step lstm -> conv1d', CONV_AFTER_LAST_STEP],
];
describe.each(CONV_MODELS)('ONNX parity with onnxruntime: %s', (_name, layers) => {
  const model = new Sequential({ inputFeatures: 4, layers, seed: 17 });
  it.each([
    [1, [9]],
    [6, [9, 1, 4, 9, 2, 0]],
  ])('batch %i, padded and ragged: outputs to 1e-5', async (B, lengths) => {
    const onnx = await OnnxModel.load(exportOnnx(model));
    const x = randomSeq('float32', B, T, 4, 12 + B);
    const got = await onnx.run(x, { lengths });
    await onnx.release();
    expect(maxAbsDiff(got.output.data, model.predict(x, lengths).data)).toBeLessThan(TOL);
  });
});

describe('ONNX export of other model shapes', () => {
  it('embedding + last-step GRU + dense with softmax', async () => {
    const model = new Sequential({
      inputFeatures: 1, seed: 3,
      layers: [
        { type: 'embedding', vocabSize: 12, embeddingDim: 5 },
        { type: 'gru', hiddenSize: 7, bidirectional: true, returnSequences: false },
        { type: 'dense', units: 4 },
      ],
    });
    const onnx = await OnnxModel.load(exportOnnx(model, { outputActivation: 'softmax' }));
    const B = 5;
    const x = { data: Float32Array.from(randomLabels(B * T, 12, 7)), batch: B, time: T, features: 1 };
    const lengths = [9, 3, 1, 8, 5];
    const logits = model.predict(x, lengths);
    const got = await onnx.run(x, { lengths });
    expect([got.output.batch, got.output.time, got.output.features]).toEqual([B, 1, 4]);
    const probs = Array.from({ length: B }, (_, b) => {
      const row = Array.from(logits.data.subarray(b * 4, b * 4 + 4));
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      return row.map((v) => Math.exp(v) / z);
    }).flat();
    expect(maxAbsDiff(got.output.data, probs)).toBeLessThan(TOL);
    await onnx.release();
  });

  it('without initial-state inputs', async () => {
    const model = new Sequential({ inputFeatures: 2, seed: 3, layers: [{ type: 'lstm', hiddenSize: 3 }] });
    const onnx = await OnnxModel.load(exportOnnx(model, { initialStateInputs: false }));
    expect(onnx.inputNames.filter((n) => n.startsWith('initial_'))).toEqual([]);
    const x = randomSeq('float32', 2, 4, 2, 1);
    expect(maxAbsDiff((await onnx.run(x)).output.data, model.predict(x).data)).toBeLessThan(TOL);
    await onnx.release();
  });
});

/**
 * Keras's GRU with reset_after=False, written out in float64 with its own conventions: one bias per gate
 * (rnnkit's b_ih + b_hh, both outside the products in this form), h = z·h_prev + (1-z)·hh,
 * hh = tanh(x·W_h + (r ⊙ h_prev)·U_h + b_h). Ragged sequences: the reverse direction starts at each
 * sequence's own last step, padded steps output zeros.
 */
function kerasGruResetBefore(rec: Recurrent, x: Float32Array, B: number, T: number, I: number, lengths: number[], h0: Float32Array[]): Float64Array {
  const H = rec.spec.hiddenSize;
  const D = rec.directions.length;
  const y = new Float64Array(B * T * D * H);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  rec.directions.forEach((dir, d) => {
    const W = dir.wIh.value, U = dir.wHh.value;
    const bias = (g: number, j: number) => dir.bIh.value[g * H + j] + dir.bHh.value[g * H + j];
    const xw = (b: number, t: number, g: number, j: number) => {
      let s = bias(g, j);
      for (let i = 0; i < I; i++) s += x[(b * T + t) * I + i] * W[(g * H + j) * I + i];
      return s;
    };
    const hu = (v: number[], g: number, j: number) => v.reduce((s, vk, k) => s + vk * U[(g * H + j) * H + k], 0);
    for (let b = 0; b < B; b++) {
      let h = Array.from(h0[d].subarray(b * H, (b + 1) * H));
      for (let s = 0; s < lengths[b]; s++) {
        const t = d === 1 ? lengths[b] - 1 - s : s;
        const r = h.map((_, j) => sigmoid(xw(b, t, 0, j) + hu(h, 0, j)));
        const z = h.map((_, j) => sigmoid(xw(b, t, 1, j) + hu(h, 1, j)));
        const rh = h.map((hk, k) => r[k] * hk);
        const hh = h.map((_, j) => Math.tanh(xw(b, t, 2, j) + hu(rh, 2, j)));
        h = h.map((hp, j) => z[j] * hp + (1 - z[j]) * hh[j]);
        y.set(h, (b * T + t) * D * H + d * H);
      }
    }
  });
  return y;
}

describe('GRU resetAfter=false against a float64 Keras reset_after=False reference', () => {
  it.each([false, true])('bidirectional=%s, ragged lengths and initial states: rnnkit and onnxruntime agree with it to 1e-5', async (bidirectional) => {
    const [B, I, H] = [4, 5, 6];
    const model = new Sequential({ inputFeatures: I, seed: 13, layers: [{ type: 'gru', hiddenSize: H, bidirectional, resetAfter: false }] });
    const rec = model.recurrentLayers()[0];
    const D = rec.directions.length;
    const x = randomSeq('float32', B, T, I, 3);
    const lengths = [9, 4, 1, 7];
    const h0 = Array.from({ length: D }, (_, d) => randomSeq('float32', 1, B, H, 20 + d).data as Float32Array);
    const want = kerasGruResetBefore(rec, x.data as Float32Array, B, T, I, lengths, h0);
    rec.initialState = h0.map((h) => ({ h }));
    expect(maxAbsDiff(model.predict(x, lengths).data, want)).toBeLessThan(TOL);
    rec.initialState = null;
    const onnx = await OnnxModel.load(exportOnnx(model));
    const got = await onnx.run(x, { lengths, initialStates: { initial_h_l0: Float32Array.from(h0.flatMap((h) => Array.from(h))) } });
    await onnx.release();
    expect(maxAbsDiff(got.output.data, want)).toBeLessThan(TOL);
  });
});
