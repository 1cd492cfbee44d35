import { ShapeError } from '../src/core/seq';
import { numberToWords, numberWordPairs, numberWordSplit } from '../src/data/number-words';
import { Seq2Seq } from '../src/seq2seq/model';
import { EOS, TokenVocabulary } from '../src/seq2seq/token-vocabulary';
import { exactMatch, trainSeq2Seq } from '../src/seq2seq/train';
import { gradientRelativeError } from './helpers/gradcheck';

const TOL = 1e-6;

describe.each([
  ['gru', false, 'general'],
  ['lstm', false, 'general'],
  ['rnn', false, 'general'],
  ['gru', true, 'additive'],
  ['lstm', true, 'general'],
  ['gru', false, 'dot'],
] as const)('seq2seq with attention (%s, bidirectional %s, %s): finite-difference gradient check', (cell, bidirectional, attention) => {
  const source = new TokenVocabulary(['a', 'b', 'c', 'd']);
  const target = new TokenVocabulary(['x', 'y', 'z']);
  const model = new Seq2Seq({ source, target, cell, embeddingDim: 3, hiddenSize: 4, seed: 5, dtype: 'float64', bidirectional, attention });
  const batch = model.makeBatch(
    [['a', 'b', 'c'], ['d'], ['c', 'a']],
    [['x', 'y'], ['z', 'z', 'x'], []],
  );
  const f = (): number => {
    const logits = model.forward(batch);
    // Same loss as lossAndBackward, recomputed without touching gradients.
    let total = 0;
    let n = 0;
    const V = target.size;
    for (let b = 0; b < logits.batch; b++) {
      for (let t = 0; t < batch.tgtLengths[b]; t++) {
        const o = (b * logits.time + t) * V;
        let max = -Infinity;
        for (let v = 0; v < V; v++) max = Math.max(max, logits.data[o + v]);
        let z = 0;
        for (let v = 0; v < V; v++) z += Math.exp(logits.data[o + v] - max);
        total += Math.log(z) + max - logits.data[o + batch.decOut[b * logits.time + t]];
        n++;
      }
    }
    return total / n;
  };
  model.zeroGrad();
  const { loss } = model.lossAndBackward(batch, false);

  it('loss matches the recomputed cross-entropy', () => expect(loss).toBeCloseTo(f(), 12));
  it('targets end with </s>', () => {
    expect(batch.decOut[0 * batch.decIn.time + 2]).toBe(EOS);
    expect(batch.tgtLengths).toEqual(Int32Array.of(3, 4, 1));
  });
  // Some gradients here are ~1e-5, so a wider step keeps round-off out of the relative error.
  it.each(model.params().map((p) => [(p as { qualifiedName?: string }).qualifiedName ?? p.name, p] as const))('%s', (_n, p) => {
    expect(gradientRelativeError(f, p.value, p.grad, { eps: 1e-4 })).toBeLessThan(TOL);
  });
});

describe('number words -> digits', () => {
  it('spells numbers the American way', () => {
    expect(numberToWords(0)).toEqual(['zero']);
    expect(numberToWords(15).join(' ')).toBe('fifteen');
    expect(numberToWords(342005).join(' ')).toBe('three hundred forty two thousand five');
    expect(numberToWords(1000000).join(' ')).toBe('one million');
    expect(numberToWords(987654321).join(' ')).toBe('nine hundred eighty seven million six hundred fifty four thousand three hundred twenty one');
    expect(() => numberToWords(-1)).toThrow(ShapeError);
    expect(() => numberToWords(1.5)).toThrow(ShapeError);
  });
  it('keeps held-out numbers out of the training pairs', () => {
    const test = numberWordPairs(200, 9);
    const train = numberWordPairs(2000, 1, 1e6, test.numbers);
    expect(train.pairs).toHaveLength(2000);
    for (const n of train.numbers) expect(test.numbers.has(n)).toBe(false);
  });
  it('splits at random into disjoint train and test pairs', () => {
    const s = numberWordSplit(900, 100, 3, 1e6);
    const seen = new Set(s.train.map((p) => p.target.join('')));
    expect(s.test.every((p) => !seen.has(p.target.join('')))).toBe(true);
    expect(s.train).toHaveLength(900);
  });
  it('a small model learns the task (exact match on held-out numbers)', () => {
    const split = numberWordSplit(3000, 200, 1, 1e4);
    const test = { pairs: split.test };
    const train = { pairs: split.train };
    const source = new TokenVocabulary(train.pairs.flatMap((p) => p.source));
    const target = new TokenVocabulary(train.pairs.flatMap((p) => p.target));
    const model = new Seq2Seq({ source, target, hiddenSize: 32, embeddingDim: 16, seed: 1 });
    const before = exactMatch(model, test.pairs);
    const h = trainSeq2Seq(model, train.pairs, { epochs: 4, batchSize: 32, lr: 5e-3, log: false });
    expect(h.loss[3]).toBeLessThan(h.loss[0]);
    expect(before).toBeLessThan(0.05);
    expect(exactMatch(model, test.pairs)).toBeGreaterThan(0.8);
    const [t] = model.translate([['seven', 'thousand', 'twelve']]);
    expect(t.attention).toHaveLength(t.tokens.length);
  }, 60000);
});
