import { Rng } from '../src/core/rng';
import { ShapeError, type Seq } from '../src/core/seq';
import { Attention, type AttentionScore } from '../src/layers/attention';
import { LuongAttention } from '../src/seq2seq/attention';
import { randomSeq } from './helpers/data';
import { gradientRelativeError } from './helpers/gradcheck';

// Float64, central differences: see gradcheck.test.ts.
const TOL = 1e-6;
const B = 3, T = 4, S = 5;
const keyLengths = Int32Array.of(5, 2, 1);

describe.each([
  ['dot', 3, 3],
  ['general', 3, 2],
  ['additive', 3, 2],
] as [AttentionScore, number, number][])('%s attention', (score, Q, K) => {
  const att = new Attention({ score, queryFeatures: Q, keyFeatures: K, hiddenSize: 4 }, 'float64', new Rng(1));
  const q = randomSeq('float64', B, T, Q, 2);
  const k = randomSeq('float64', B, S, K, 3);
  const probe = randomSeq('float64', B, T, K, 4); // loss = <context, probe>
  const lossAt = (): number => {
    const c = att.forward(q, k, keyLengths);
    let l = 0;
    for (let i = 0; i < c.data.length; i++) l += c.data[i] * probe.data[i];
    return l;
  };
  for (const p of att.params()) p.grad.fill(0);
  lossAt();
  const { dQuery, dKeys } = att.backward(probe as Seq);

  it('weights are a distribution over the unmasked keys only', () => {
    const w = att.lastWeights;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = Array.from(w.data.subarray((b * T + t) * S, (b * T + t + 1) * S));
        expect(row.slice(0, keyLengths[b]).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
        expect(row.slice(keyLengths[b]).every((v) => v === 0)).toBe(true);
      }
    }
  });
  it('gradient w.r.t. the queries', () => expect(gradientRelativeError(lossAt, q.data, dQuery.data)).toBeLessThan(TOL));
  it('gradient w.r.t. the keys (masked keys get none)', () => {
    expect(gradientRelativeError(lossAt, k.data, dKeys.data, { maxEntries: 100 })).toBeLessThan(TOL);
    for (let s = 1; s < S; s++) for (let j = 0; j < K; j++) expect(dKeys.data[(2 * S + s) * K + j]).toBe(0);
  });
  it(`gradient w.r.t. the parameters (${att.params().map((p) => p.name).join(', ') || 'none'})`, () => {
    for (const p of att.params()) expect(gradientRelativeError(lossAt, p.value, p.grad)).toBeLessThan(TOL);
  });
  it('a masked key does not change the context', () => {
    const before = Array.from(att.forward(q, k, keyLengths).data);
    const k2 = { ...k, data: k.data.slice() };
    k2.data[(1 * S + 3) * K] += 100; // sequence 1 has 2 valid keys
    expect(Array.from(att.forward(q, k2, keyLengths).data)).toEqual(before);
  });
  it('rejects mismatched shapes and empty key sets', () => {
    expect(() => att.forward(randomSeq('float64', B, T, Q + 1), k, keyLengths)).toThrow(ShapeError);
    expect(() => att.forward(q, k, Int32Array.of(1, 2))).toThrow(/2 key lengths for a batch of 3/);
    expect(() => att.forward(q, k, Int32Array.of(1, 0, 1))).toThrow(/key length 0/);
  });
});

describe('attention construction', () => {
  it('dot needs equal query and key widths; unknown scores are refused', () => {
    expect(() => new Attention({ score: 'dot', queryFeatures: 3, keyFeatures: 2 }, 'float32', new Rng(1))).toThrow(/dot attention/);
    expect(() => new Attention({ score: 'cosine' as AttentionScore, queryFeatures: 3, keyFeatures: 3 }, 'float32', new Rng(1))).toThrow(/one of dot, general, additive/);
  });
  it('LuongAttention is general attention under its former name', () => {
    const a = new LuongAttention(3, 2, 'float64', new Rng(7));
    const b = new Attention({ score: 'general', queryFeatures: 3, keyFeatures: 2 }, 'float64', new Rng(7));
    expect(Array.from(a.weight.value)).toEqual(Array.from(b.params()[0].value));
  });
});
