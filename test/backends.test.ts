import { crossEntropy, Sequential, type LayerSpec } from '../src';
import { gemmNN, gemmNT, gemmTN, getBackend, setBackend, type Backend } from '../src/core/gemm';
import type { CellType } from '../src/layers/cells';
import { randomLabels, randomSeq } from './helpers/data';

// The WASM SIMD kernel is built by `npm run build` (run by npm ci through "prepare");
// these tests require it, so a missing build fails here rather than silently testing JS twice.
afterAll(() => setBackend('wasm'));

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

it('the wasm backend is available and selected by default', () => {
  expect(getBackend()).toBe('wasm');
});

describe('GEMM: wasm and js kernels agree to 1e-5', () => {
  const f32 = (n: number, seed: number) => randomSeq('float32', 1, 1, n, seed).data as Float32Array;
  it.each([[32, 512, 128], [3, 37, 29], [100, 11, 64], [1, 512, 128]])('M=%i N=%i K=%i', (M, N, K) => {
    const run = (b: Backend, kernel: 'NT' | 'NN' | 'TN') => {
      setBackend(b);
      const C = f32(M * N, 3);
      if (kernel === 'NT') gemmNT(M, N, K, f32(M * K, 1), 0, f32(N * K, 2), 0, C, 0);
      if (kernel === 'NN') gemmNN(M, N, K, f32(M * K, 1), 0, f32(K * N, 2), 0, C, 0);
      if (kernel === 'TN') gemmTN(M, N, K, f32(K * M, 1), 0, f32(K * N, 2), 0, C, 0);
      return C;
    };
    for (const kernel of ['NT', 'NN', 'TN'] as const) expect(relDiff(run('wasm', kernel), run('js', kernel))).toBeLessThan(1e-5);
  });
});

const grid: [CellType, boolean][] = (['rnn', 'lstm', 'gru'] as CellType[]).flatMap((c) => [[c, false], [c, true]] as [CellType, boolean][]);

describe.each(grid)('model forward and backward (fused wasm kernels vs js): %s bidirectional=%s', (type, bidirectional) => {
  it('outputs, every gradient and the per-step gradient norms agree to 1e-5', () => {
    const B = 9;
    const T = 23;
    const lengths = [23, 20, 1, 17, 23, 5, 12, 23, 9];
    const layers: LayerSpec[] = [
      { type, hiddenSize: 48, bidirectional } as LayerSpec,
      { type, hiddenSize: 40 } as LayerSpec,
      { type: 'dense', units: 7 },
    ];
    const x = randomSeq('float32', B, T, 13, 5);
    const labels = { data: randomLabels(B * T, 7, 6), batch: B, time: T, features: 1 };
    const run = (b: Backend) => {
      setBackend(b);
      const model = new Sequential({ inputFeatures: 13, layers, seed: 4 });
      const out = model.forward(x, { lengths });
      const r = crossEntropy().compute(out, labels, model.lengthsOfLastForward());
      const dx = model.backward(r.grad)!;
      const norms = model.recurrentLayers().flatMap((l) => l.gradNorms().map((n) => Array.from(n)));
      return { out: out.data, dx: dx.data, grads: model.params().map((p) => p.grad), norms };
    };
    const w = run('wasm');
    const j = run('js');
    expect(relDiff(w.out, j.out)).toBeLessThan(1e-5);
    expect(relDiff(w.dx, j.dx)).toBeLessThan(1e-5);
    w.grads.forEach((g, i) => expect(relDiff(g, j.grads[i])).toBeLessThan(1e-5));
    w.norms.forEach((n, i) => expect(relDiff(n, j.norms[i])).toBeLessThan(1e-5));
  });
});
