import { adam, crossEntropy, Sequential, trainStep, type LayerSpec } from '../src';
import type { CellType } from '../src/layers/cells';
import { backendAvailable, getBackend, kernelsFor, setBackend, type Backend } from '../src/kernels';
import { randomLabels, randomSeq } from './helpers/data';
import { naiveGemm } from './helpers/naive-gemm';

// The WASM SIMD kernel is built by `npm run build` (run by npm ci through "prepare"); these tests
// require it, so a missing build fails here rather than silently testing JS twice. The native
// kernel is optional: its cases run where it is built and the CPU has AVX2+FMA.
const initial = getBackend();
afterAll(() => setBackend(initial));

/** Largest difference relative to the largest magnitude (at least 1). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 1;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(a[i]));
  }
  return d / m;
}

it('the default backend is native where it is built, else wasm (unless RNNKIT_BACKEND says otherwise)', () => {
  expect(backendAvailable('wasm')).toBe(true);
  if (!process.env.RNNKIT_BACKEND) expect(initial).toBe(backendAvailable('native') ? 'native' : 'wasm');
  else expect(initial).toBe(process.env.RNNKIT_BACKEND);
});

it('refuses an unknown backend with a clear message', () => {
  expect(() => setBackend('gpu' as Backend)).toThrow(/js, wasm, native/);
});

it('float64 always runs on the JS kernels', () => {
  expect(kernelsFor('float64').name).toBe('js');
});

/** The float32 backends compared with the JS reference here: wasm always, native where available. */
const fast: Backend[] = backendAvailable('native') ? ['wasm', 'native'] : ['wasm'];

describe.each(fast)('GEMM: %s and js kernels agree to 1e-5', (backend) => {
  const f32 = (n: number, seed: number) => randomSeq('float32', 1, 1, n, seed).data as Float32Array;
  it.each([[32, 512, 128], [3, 37, 29], [100, 11, 64], [1, 512, 128], [3200, 13, 512], [512, 128, 3200], [11, 128, 700]])('M=%i N=%i K=%i', (M, N, K) => {
    const run = (b: Backend, kernel: 'NT' | 'NN' | 'TN') => {
      setBackend(b);
      const k = kernelsFor('float32');
      const C = f32(M * N + 5, 3);
      if (kernel === 'NT') k.gemmNT(M, N, K, f32(M * K + 2, 1), 2, f32(N * K + 1, 2), 1, C, 5);
      if (kernel === 'NN') k.gemmNN(M, N, K, f32(M * K + 2, 1), 2, f32(K * N + 1, 2), 1, C, 5);
      if (kernel === 'TN') k.gemmTN(M, N, K, f32(K * M + 2, 1), 2, f32(K * N + 1, 2), 1, C, 5);
      return C;
    };
    for (const kernel of ['NT', 'NN', 'TN'] as const) expect(relDiff(run(backend, kernel), run('js', kernel))).toBeLessThan(1e-5);
  });
  it.each([[40, 24, 300, 70, 50], [3, 37, 29, 5, 40]])('TN over column blocks: M=%i N=%i K=%i, rows of A %i and of B %i apart, and the float64 reference', (M, N, K, lda, ldb) => {
    const A = f32(K * lda + 2, 1);
    const B = f32(K * ldb + 1, 2);
    const want = Float64Array.from(f32(M * N, 3));
    naiveGemm(M, N, K, (i, k) => A[2 + k * lda + i], (k, j) => B[1 + k * ldb + j], want);
    for (const b of [backend, 'js'] as const) {
      setBackend(b);
      const C = f32(M * N, 3);
      kernelsFor('float32').gemmTN(M, N, K, A, 2, B, 1, C, 0, lda, ldb);
      expect(relDiff(C, want)).toBeLessThan(1e-5);
    }
  });
});

type CellVariant = CellType | 'rnn-relu' | 'gru-reset-before';
const grid: [Backend, CellVariant, boolean][] = fast.flatMap((b) =>
  (['rnn', 'rnn-relu', 'lstm', 'gru', 'gru-reset-before'] as CellVariant[]).flatMap((c) => [[b, c, false], [b, c, true]] as [Backend, CellVariant, boolean][]));

/** The layer spec of a cell variant ('rnn-relu': a vanilla RNN with relu; 'gru-reset-before': GRU resetAfter=false). */
const cellSpec = (variant: CellVariant, hiddenSize: number, bidirectional = false): LayerSpec => {
  if (variant === 'rnn-relu') return { type: 'rnn', activation: 'relu', hiddenSize, bidirectional };
  if (variant === 'gru-reset-before') return { type: 'gru', resetAfter: false, hiddenSize, bidirectional };
  return { type: variant, hiddenSize, bidirectional };
};

describe.each(grid)('model forward and backward (%s kernels vs js): %s bidirectional=%s', (backend, variant, bidirectional) => {
  it.each([[48, 40], [37, 5]])('hidden %i then %i: outputs, every gradient, dx, d(initial state) and the per-step gradient norms agree to 1e-5, with JS float32 and float64', (H1, H2) => {
    const B = 9;
    const T = 23;
    const lengths = [23, 20, 1, 17, 23, 5, 12, 23, 9];
    const layers: LayerSpec[] = [cellSpec(variant, H1, bidirectional), cellSpec(variant, H2), { type: 'dense', units: 7 }];
    const labels = { data: randomLabels(B * T, 7, 6), batch: B, time: T, features: 1 };
    // Inputs, initial states and weights are drawn in float32, so that the float64 reference starts from the same values.
    const x32 = randomSeq('float32', B, T, 13, 5);
    const as = (dtype: 'float32' | 'float64', a: ArrayLike<number>) => (dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a));
    const run = (b: Backend, dtype: 'float32' | 'float64' = 'float32') => {
      setBackend(b);
      const x = { ...x32, data: as(dtype, x32.data) };
      const model = new Sequential({ inputFeatures: 13, layers, seed: 4, dtype });
      model.setWeights(new Sequential({ inputFeatures: 13, layers, seed: 4 }).getWeights());
      const first = model.recurrentLayers()[0];
      const state = (seed: number) => as(dtype, randomSeq('float32', 1, B, H1, seed).data);
      first.initialState = first.directions.map((_, d) => ({ h: state(7 + d), c: state(9 + d) }));
      const out = model.forward(x, { lengths });
      const r = crossEntropy().compute(out, labels, model.lengthsOfLastForward());
      const dx = model.backward(r.grad)!;
      const norms = model.recurrentLayers().flatMap((l) => l.gradNorms().map((n) => Array.from(n)));
      const dInitial = first.initialStateGrad.flatMap((s) => [s.h, ...(s.c ? [s.c] : [])]);
      const finals = model.recurrentLayers().flatMap((l) => l.finalState.flatMap((s) => [s.h, ...(s.c ? [s.c] : [])]));
      return { out: out.data, dx: dx.data, grads: model.params().map((p) => p.grad), norms, dInitial, finals };
    };
    const f = run(backend);
    for (const j of [run('js'), run('js', 'float64')]) {
      expect(relDiff(f.out, j.out)).toBeLessThan(1e-5);
      expect(relDiff(f.dx, j.dx)).toBeLessThan(1e-5);
      f.grads.forEach((g, i) => expect(relDiff(g, j.grads[i])).toBeLessThan(1e-5));
      f.norms.forEach((n, i) => expect(relDiff(n, j.norms[i])).toBeLessThan(1e-5));
      f.dInitial.forEach((g, i) => expect(relDiff(g, j.dInitial[i])).toBeLessThan(1e-5));
      f.finals.forEach((s, i) => expect(relDiff(s, j.finals[i])).toBeLessThan(1e-5));
    }
  });
});

describe.each(fast)('seeded training on the %s kernels', (backend) => {
  it('is bit-identical run to run', () => {
    setBackend(backend);
    const B = 8;
    const T = 30;
    const x = randomSeq('float32', B, T, 6, 3);
    const y = { data: randomLabels(B * T, 5, 4), batch: B, time: T, features: 1 };
    const lengths = new Int32Array([30, 29, 12, 30, 1, 30, 17, 30]);
    const train = () => {
      const model = new Sequential({ inputFeatures: 6, seed: 11, layers: [{ type: 'lstm', hiddenSize: 40, bidirectional: true }, { type: 'gru', hiddenSize: 24 }, { type: 'dense', units: 5 }] });
      const opts = { loss: crossEntropy(), optimizer: adam({ lr: 1e-2 }) };
      const losses = Array.from({ length: 4 }, () => trainStep(model, { x, y, lengths }, opts).lossSum);
      return { losses, params: model.params().map((p) => Array.from(p.value)) };
    };
    const a = train();
    const b = train();
    expect(b.losses).toEqual(a.losses);
    expect(b.params).toEqual(a.params);
  });
});

// Every backend leaves the same activations behind (hs, cs, cache in processing order), so a forward
// on one backend can be followed by a backward on another.
const pairs: [Backend, Backend][] = backendAvailable('native') ? [['native', 'wasm'], ['wasm', 'native'], ['native', 'js']] : [['wasm', 'js'], ['js', 'wasm']];
describe.each(pairs)('forward on %s, backward on %s', (forwardOn, backwardOn) => {
  it.each(['lstm', 'gru', 'rnn', 'gru-reset-before'] as CellVariant[])('%s: gradients equal the JS ones to 1e-5', (variant) => {
    const B = 5;
    const T = 12;
    const lengths = [12, 3, 12, 7, 1];
    const x = randomSeq('float32', B, T, 6, 2);
    const labels = { data: randomLabels(B * T, 4, 3), batch: B, time: T, features: 1 };
    const grads = (fwd: Backend, bwd: Backend) => {
      setBackend(fwd);
      const model = new Sequential({ inputFeatures: 6, layers: [cellSpec(variant, 16, true), { type: 'dense', units: 4 }], seed: 8 });
      const out = model.forward(x, { lengths });
      const r = crossEntropy().compute(out, labels, model.lengthsOfLastForward());
      setBackend(bwd);
      model.backward(r.grad);
      return model.params().map((p) => p.grad);
    };
    const mixed = grads(forwardOn, backwardOn);
    grads('js', 'js').forEach((g, i) => expect(relDiff(mixed[i], g)).toBeLessThan(1e-5));
  });
});

describe('softmax cross-entropy over a word vocabulary (the native row softmax where it is built)', () => {
  it.each([[4, 7, 2000], [1, 3, 1031]])('B=%i T=%i C=%i: loss and gradient match the JS loop to 1e-5, ignored labels included', (B, T, C) => {
    const logits = randomSeq('float32', B, T, C, 5);
    for (let i = 0; i < logits.data.length; i++) logits.data[i] *= 8;
    const labels = randomLabels(B * T, C, 6);
    labels[1] = -1;
    const lengths = new Int32Array(B).fill(T);
    lengths[0] = T - 1;
    const run = (b: Backend) => {
      setBackend(b);
      return crossEntropy({ perStep: true }).compute(logits, { data: labels, batch: B, time: T, features: 1 }, lengths);
    };
    const js = run('js');
    const fastest = run(backendAvailable('native') ? 'native' : 'wasm');
    expect(fastest.count).toBe(js.count);
    expect(Math.abs(fastest.loss - js.loss) / js.loss).toBeLessThan(1e-5);
    // gradients times the count are probabilities (minus 1 at the label): compared on that scale
    const perRow = (g: ArrayLike<number>) => Array.from(g, (v) => v * js.count);
    expect(relDiff(perRow(fastest.grad.data), perRow(js.grad.data))).toBeLessThan(1e-5);
    // rows not scored (past a length, or an ignored label) get no gradient
    expect(fastest.grad.data.slice((T - 1) * C, T * C).every((g) => g === 0)).toBe(true);
    expect(fastest.grad.data.slice(C, 2 * C).every((g) => g === 0)).toBe(true);
  });
  it('one label per sequence (last step): only those rows are scored, and they match the JS loop to 1e-5', () => {
    const [B, T, C] = [3, 9, 1500];
    const logits = randomSeq('float32', B, T, C, 8);
    for (let i = 0; i < logits.data.length; i++) logits.data[i] *= 8;
    const labels = randomLabels(B, C, 9);
    const lengths = Int32Array.of(9, 4, 0); // the last sequence is empty: nothing of it is scored
    const run = (b: Backend) => {
      setBackend(b);
      return crossEntropy({ perStep: false }).compute(logits, { data: labels, batch: B, time: T, features: 1 }, lengths);
    };
    const js = run('js');
    const fastest = run(backendAvailable('native') ? 'native' : 'wasm');
    expect(js.count).toBe(2);
    expect(fastest.count).toBe(js.count);
    expect(Math.abs(fastest.loss - js.loss) / js.loss).toBeLessThan(1e-5);
    const perRow = (g: ArrayLike<number>) => Array.from(g, (v) => v * js.count);
    expect(relDiff(perRow(fastest.grad.data), perRow(js.grad.data))).toBeLessThan(1e-5);
    const nonzeroRows = new Set(Array.from(fastest.grad.data.keys()).filter((i) => fastest.grad.data[i] !== 0).map((i) => Math.floor(i / C)));
    expect([...nonzeroRows].sort((a, b) => a - b)).toEqual([0 * T + 8, 1 * T + 3]);
    // every label ignored: nothing scored, no loss, no gradient
    const none = crossEntropy({ perStep: false }).compute(logits, { data: new Int32Array(B).fill(-1), batch: B, time: T, features: 1 }, lengths);
    expect([none.count, none.loss, none.grad.data.every((g) => g === 0)]).toEqual([0, 0, true]);
  });
  it('a NaN logit makes the loss NaN (training detects it)', () => {
    const logits = randomSeq('float32', 1, 2, 1500, 7);
    logits.data[1500 + 17] = NaN;
    setBackend(backendAvailable('native') ? 'native' : 'wasm');
    const r = crossEntropy({ perStep: true }).compute(logits, { data: Int32Array.of(3, 4), batch: 1, time: 2, features: 1 }, Int32Array.of(2));
    expect(r.loss).toBeNaN();
  });
});
