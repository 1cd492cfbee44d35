import { readFileSync } from 'node:fs';
import { backendAvailable, getBackend, setBackend, type Backend } from '../src/kernels';
import { nativeAddon } from '../src/kernels/native-addon';
import type { Seq } from '../src/core/seq';
import { Sequential, type LayerSpec } from '../src/model';
import { randomSeq } from './helpers/data';
import { naiveGemm } from './helpers/naive-gemm';
import { maxAbsDiff } from './helpers/compare';

const TOL = 1e-5;
const cpuHasAvx2 = process.platform === 'linux' && process.arch === 'x64' && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) && /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

const initial = getBackend();
afterAll(() => setBackend(initial));

it('the native kernel is built where the CPU supports it (npm run build)', () => {
  expect(backendAvailable('native')).toBe(cpuHasAvx2);
});

const cases: { name: string; layers: LayerSpec[] }[] = [];
// The GRU also in its reset-before form (resetAfter: false), which runs a second product per step.
const variants: [string, { type: 'rnn' | 'lstm' | 'gru'; resetAfter?: boolean }][] = [
  ['rnn', { type: 'rnn' }], ['lstm', { type: 'lstm' }], ['gru', { type: 'gru' }], ['gru resetAfter=false', { type: 'gru', resetAfter: false }],
];
for (const [name, cell] of variants) {
  for (const H of [5, 16, 37]) {
    cases.push({ name: `${name} H=${H}`, layers: [{ ...cell, hiddenSize: H }, { type: 'dense', units: 3 }] });
    cases.push({ name: `${name} H=${H} bidirectional, stacked`, layers: [{ ...cell, hiddenSize: H, bidirectional: true }, { ...cell, hiddenSize: 8, returnSequences: false }] });
  }
}
cases.push({ name: 'relu rnn', layers: [{ type: 'rnn', hiddenSize: 24, activation: 'relu' }] });

/** The native predict of a batch (outputs and every final state) equals the JS forward. */
function expectNativePredictEqualsJs(model: Sequential, lengths: readonly number[], T: number): void {
  const B = lengths.length;
  const x = randomSeq('float32', B, T, 7, B);
  setBackend('js');
  const reference = model.forward(x, { lengths, training: false }).data;
  const refStates = model.recurrentLayers().map((l) => l.finalState);
  setBackend('native');
  const fast = model.predict(x, lengths).data;
  expect(maxAbsDiff(fast, reference)).toBeLessThan(TOL);
  model.recurrentLayers().forEach((l, i) =>
    l.finalState.forEach((s, d) => {
      expect(maxAbsDiff(s.h, refStates[i][d].h)).toBeLessThan(TOL);
      if (s.c) expect(maxAbsDiff(s.c, refStates[i][d].c!)).toBeLessThan(TOL);
    }),
  );
}

(cpuHasAvx2 ? describe.each(cases) : describe.skip.each(cases))('native predict equals the JS forward: $name', ({ layers }) => {
  const model = new Sequential({ inputFeatures: 7, layers, seed: 4 });
  for (const lengths of [[11], [11, 4, 1], [11, 11, 9, 2, 7, 5]]) {
    it(`batch ${lengths.length}, lengths ${lengths.join(',')}`, () => expectNativePredictEqualsJs(model, lengths, 11));
  }
  it('given initial states', () => {
    const x = randomSeq('float32', 2, 11, 7, 9);
    const first = model.recurrentLayers()[0];
    const D = first.directions.length;
    const H = first.spec.hiddenSize;
    const state = () => ({ h: randomSeq('float32', 1, 2, H, 5).data, c: randomSeq('float32', 1, 2, H, 6).data });
    first.initialState = Array.from({ length: D }, state);
    setBackend('js');
    const reference = model.forward(x, { lengths: [11, 6], training: false }).data;
    setBackend('native');
    const fast = model.predict(x, [11, 6]).data;
    first.initialState = null;
    expect(maxAbsDiff(fast, reference)).toBeLessThan(TOL);
  });
});

// Few sequences with wide enough steps split the hidden units over two threads in lockstep (native/src
// split_pays): halves of 64 + 36 and 80 + 64 units, both directions, ragged lengths, initial states.
// (The reset-before GRU, with its second product per step, keeps the unsplit path at the same sizes.)
const splitCells = [['rnn', {}], ['lstm', {}], ['gru', {}], ['gru', { resetAfter: false }]] as const;
(cpuHasAvx2 ? describe.each(splitCells) : describe.skip.each(splitCells))('native split inference equals the JS forward: %s %j', (type, options) => {
  for (const H of [100, 144]) {
    const model = new Sequential({ inputFeatures: 7, seed: 5, layers: [{ type, hiddenSize: H, bidirectional: true, ...options }, { type: 'dense', units: 3 }] });
    for (const lengths of [[40], [40, 17, 1]]) {
      it(`H=${H}, batch ${lengths.length}, lengths ${lengths.join(',')}`, () => expectNativePredictEqualsJs(model, lengths, 40));
    }
    it(`H=${H}, given initial states`, () => {
      const first = model.recurrentLayers()[0];
      first.initialState = first.directions.map((_, d) => ({ h: randomSeq('float32', 1, 3, H, 5 + d).data, c: randomSeq('float32', 1, 3, H, 7 + d).data }));
      try {
        expectNativePredictEqualsJs(model, [40, 23, 2], 40);
      } finally {
        first.initialState = null;
      }
    });
  }
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
    nativeAddon()!.linear(M, N, K, 2, x, w, b, y);
    expect(maxAbsDiff(y, linearReference(M, N, K, x, w, b))).toBeLessThan(1e-4);
  });
  it('refuses arrays whose sizes do not match the shapes', () => {
    const f = new Float32Array(6);
    expect(() => nativeAddon()!.linear(2, 3, 2, 1, f, f, new Float32Array(2), f)).toThrow(/sizes do not match/);
  });
});

/** C[M,N] += op(A)·op(B) through the addon's strided product, against a float64 reference. */
(cpuHasAvx2 ? describe : describe.skip)('native strided product (gemm)', () => {
  // 6-row tiles and their remainders, partial panels, K past one 256-deep chunk, the two-thread split.
  it.each([[1, 1, 1], [7, 17, 5], [13, 33, 300], [512, 128, 700], [700, 13, 512], [11, 128, 3200]])('M=%i N=%i K=%i', (M, N, K) => {
    const A = randomSeq('float32', 1, 1, M * K + 3, M).data as Float32Array;
    const B = randomSeq('float32', 1, 1, N * K + 1, N).data as Float32Array;
    const C = randomSeq('float32', 1, 1, M * N + 2, 7).data as Float32Array;
    // op(A) = Aᵀ stored [K, M] (as dW products read it), op(B) = B stored [N, K].
    const want = Float64Array.from(C.subarray(2));
    naiveGemm(M, N, K, (i, k) => A[3 + k * M + i], (k, j) => B[1 + j * K + k], want);
    nativeAddon()!.gemm(M, N, K, 2, 3, 1, M, 1, K, 1, 2, N, A, B, C);
    expect(maxAbsDiff(C.subarray(2), want)).toBeLessThan(1e-3);
  });
  it('refuses offsets and strides that reach outside the arrays', () => {
    const f = new Float32Array(6);
    expect(() => nativeAddon()!.gemm(2, 3, 2, 1, 5, 2, 1, 0, 2, 1, 0, 3, f, f, f)).toThrow(/outside the arrays/);
  });
  it('refuses a cell layout that does not match the cell', () => {
    const f = new Float32Array(64);
    expect(() => nativeAddon()!.forward(2, 3, 4, 1, 1, 1, 1, 0, 1, f, f, f, f, f, f, f, null, f, new Int32Array(1))).toThrow(/do not match the cell/);
  });
});

describe('inference-only passes', () => {
  const model = new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 8 }, { type: 'dense', units: 2 }], seed: 1 });
  const x: Seq = randomSeq('float32', 2, 5, 3);
  it.each<Backend>(['js', 'wasm', ...(cpuHasAvx2 ? ['native' as const] : [])])('refuse a backward after predict on %s, with a message that says what to do', (backend) => {
    setBackend(backend);
    model.predict(x);
    expect(() => model.backward(randomSeq('float32', 2, 5, 2))).toThrow(/inference-only forward/);
    model.forward(x, { training: true });
    expect(() => model.backward(randomSeq('float32', 2, 5, 2))).not.toThrow();
  });
});
