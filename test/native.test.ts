import { readFileSync } from 'node:fs';
import { nativeInferenceAvailable, nativeKernel, setNativeInference } from '../src/core/native';
import type { Seq } from '../src/core/seq';
import { Sequential, type LayerSpec } from '../src/model';
import { randomSeq } from './helpers/data';
import { naiveGemm } from './helpers/naive-gemm';
import { maxAbsDiff } from './helpers/compare';

const TOL = 1e-5;
const cpuHasAvx2 = process.platform === 'linux' && process.arch === 'x64' && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) && /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

it('the native inference kernel is built where the CPU supports it (npm run build)', () => {
  expect(nativeInferenceAvailable()).toBe(cpuHasAvx2);
});

const cases: { name: string; layers: LayerSpec[] }[] = [];
for (const type of ['rnn', 'lstm', 'gru'] as const) {
  for (const H of [5, 16, 37]) {
    cases.push({ name: `${type} H=${H}`, layers: [{ type, hiddenSize: H }, { type: 'dense', units: 3 }] });
    cases.push({ name: `${type} H=${H} bidirectional, stacked`, layers: [{ type, hiddenSize: H, bidirectional: true }, { type, hiddenSize: 8, returnSequences: false }] });
  }
}
cases.push({ name: 'relu rnn', layers: [{ type: 'rnn', hiddenSize: 24, activation: 'relu' }] });

(cpuHasAvx2 ? describe.each(cases) : describe.skip.each(cases))('native predict equals the WASM/JS forward: $name', ({ layers }) => {
  const model = new Sequential({ inputFeatures: 7, layers, seed: 4 });
  for (const [B, lengths] of [[1, [11]], [3, [11, 4, 1]], [6, [11, 11, 9, 2, 7, 5]]] as const) {
    it(`batch ${B}, lengths ${lengths.join(',')}`, () => {
      const x = randomSeq('float32', B, 11, 7, B);
      const reference = model.forward(x, { lengths, training: false }).data;
      const refStates = model.recurrentLayers().map((l) => l.finalState);
      const fast = model.predict(x, lengths).data;
      expect(maxAbsDiff(fast, reference)).toBeLessThan(TOL);
      model.recurrentLayers().forEach((l, i) =>
        l.finalState.forEach((s, d) => {
          expect(maxAbsDiff(s.h, refStates[i][d].h)).toBeLessThan(TOL);
          if (s.c) expect(maxAbsDiff(s.c, refStates[i][d].c!)).toBeLessThan(TOL);
        }),
      );
    });
  }
  it('given initial states', () => {
    const x = randomSeq('float32', 2, 11, 7, 9);
    const first = model.recurrentLayers()[0];
    const D = first.directions.length;
    const H = first.spec.hiddenSize;
    const state = () => ({ h: randomSeq('float32', 1, 2, H, 5).data, c: randomSeq('float32', 1, 2, H, 6).data });
    first.initialState = Array.from({ length: D }, state);
    const reference = model.forward(x, { lengths: [11, 6], training: false }).data;
    const fast = model.predict(x, [11, 6]).data;
    first.initialState = null;
    expect(maxAbsDiff(fast, reference)).toBeLessThan(TOL);
  });
});

/** y = x·wᵀ + b in float64, the reference for the native dense product. */
function linearReference(M: number, N: number, K: number, x: Float32Array, w: Float32Array, b: Float32Array): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) y.set(b, m * N);
  naiveGemm(M, N, K, (i, k) => x[i * K + k], (k, j) => w[j * K + k], y);
  return y;
}

// Row blocks of 6, 4 and 1, partial 16-column panels, and the two-thread split (M·N·K > 1e6).
(cpuHasAvx2 ? describe : describe.skip)('native dense product (linear)', () => {
  it.each([[0, 3, 4], [1, 11, 13], [7, 17, 5], [13, 33, 129], [2000, 11, 128], [901, 40, 64]])('M=%i N=%i K=%i', (M, N, K) => {
    const x = randomSeq('float32', 1, M, K, M + 1).data as Float32Array;
    const w = randomSeq('float32', 1, N, K, N + 2).data as Float32Array;
    const b = randomSeq('float32', 1, 1, N, 3).data as Float32Array;
    const y = new Float32Array(M * N).fill(Number.NaN);
    nativeKernel()!.linear(M, N, K, 2, x, w, b, y);
    expect(maxAbsDiff(y, linearReference(M, N, K, x, w, b))).toBeLessThan(1e-4);
  });
  it('refuses arrays whose sizes do not match the shapes', () => {
    const f = new Float32Array(6);
    expect(() => nativeKernel()!.linear(2, 3, 2, 1, f, f, new Float32Array(2), f)).toThrow(/sizes do not match/);
  });
});

describe('inference-only passes', () => {
  const model = new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 8 }, { type: 'dense', units: 2 }], seed: 1 });
  const x: Seq = randomSeq('float32', 2, 5, 3);
  it('refuse a backward after predict, with a message that says what to do', () => {
    model.predict(x);
    if (nativeInferenceAvailable()) {
      expect(() => model.backward(randomSeq('float32', 2, 5, 2))).toThrow(/inference-only forward/);
    }
    model.forward(x, { training: true });
    expect(() => model.backward(randomSeq('float32', 2, 5, 2))).not.toThrow();
  });
  it('can be switched off (the WASM/JS kernels then serve predict too)', () => {
    setNativeInference(false);
    try {
      expect(nativeInferenceAvailable()).toBe(false);
      const a = model.predict(x).data;
      model.backward(randomSeq('float32', 2, 5, 2)); // allowed: predict kept its caches
      setNativeInference(true);
      expect(maxAbsDiff(model.predict(x).data, a)).toBeLessThan(TOL);
    } finally {
      setNativeInference(true);
    }
  });
});
