import { ShapeError } from '../src/core/seq';
import { numberToWords, numberWordPairs, numberWordSplit } from '../src/data/number-words';
import { Seq2Seq } from '../src/seq2seq/model';
import { EOS, TokenVocabulary } from '../src/seq2seq/token-vocabulary';
import { exactMatch, trainSeq2Seq } from '../src/seq2seq/train';
import { gradientRelativeError } from './helpers/gradcheck';

const TOL = 1e-6;

describe.each([
  ['gru', false, 'general', 0, false],
  ['lstm', false, 'general', 0, false],
  ['rnn', false, 'general', 0, false],
  ['gru', true, 'additive', 0, false],
  ['lstm', true, 'general', 0, false],
  ['gru', false, 'dot', 0, false],
  ['gru', true, 'general', 0.3, false],
  ['lstm', false, 'additive', 0.5, false],
  ['gru', true, 'general', 0, true],
  ['lstm', false, 'general', 0.3, true],
] as const)('seq2seq with attention (%s, bidirectional %s, %s, dropout %s, tied %s): finite-difference gradient check', (cell, bidirectional, attention, dropout, tied) => {
  const source = new TokenVocabulary(['a', 'b', 'c', 'd']);
  // Tied embeddings: one vocabulary, one table (embedding width = hidden width).
  const target = tied ? source : new TokenVocabulary(['x', 'y', 'z']);
  const [x, y, z] = tied ? ['a', 'b', 'd'] : ['x', 'y', 'z'];
  const model = new Seq2Seq({ source, target, cell, embeddingDim: tied ? 4 : 3, hiddenSize: 4, seed: 5, dtype: 'float64', bidirectional, attention, dropout, tiedEmbeddings: tied });
  // With dropout the loss is checked while training: every evaluation replays the same masks.
  const training = dropout > 0;
  const masks = model.dropoutState;
  const batch = model.makeBatch(
    [['a', 'b', 'c'], ['d'], ['c', 'a']],
    [[x, y], [z, z, x], []],
  );
  const f = (): number => {
    model.dropoutState = masks;
    const logits = model.forward(batch, training);
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
  model.dropoutState = masks;
  const { loss } = model.lossAndBackward(batch, training);

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

describe('seq2seq tied embeddings', () => {
  const vocabulary = new TokenVocabulary(['a', 'b', 'c']);
  const make = (tiedEmbeddings: boolean) => new Seq2Seq({ source: vocabulary, target: vocabulary, embeddingDim: 6, hiddenSize: 6, seed: 2, tiedEmbeddings });
  it('shares one table among source and target embeddings and the output layer, listed once', () => {
    const tied = make(true);
    expect(tied.tgtEmbed.weight).toBe(tied.srcEmbed.weight);
    expect(tied.output.weight).toBe(tied.srcEmbed.weight);
    const names = tied.params().map((p) => (p as { qualifiedName?: string }).qualifiedName);
    expect(names.filter((n) => n?.endsWith('embedding.weight') || n === 'output.weight')).toEqual(['source_embedding.weight']);
    expect(make(false).params().length - tied.params().length).toBe(2);
  });
  it('refuses two vocabularies or widths that differ', () => {
    expect(() => new Seq2Seq({ source: vocabulary, target: new TokenVocabulary(['a', 'b']), embeddingDim: 4, hiddenSize: 4, tiedEmbeddings: true })).toThrow(/same vocabulary/);
    expect(() => new Seq2Seq({ source: vocabulary, target: vocabulary, embeddingDim: 3, hiddenSize: 4, tiedEmbeddings: true })).toThrow(/embeddingDim = hiddenSize, got 3 and 4/);
  });
});

describe('seq2seq dropout', () => {
  const source = new TokenVocabulary(['a', 'b']);
  const target = new TokenVocabulary(['x', 'y']);
  const make = (dropout: number) => new Seq2Seq({ source, target, embeddingDim: 8, hiddenSize: 8, seed: 3, dtype: 'float64', bidirectional: true, dropout });
  const batch = make(0).makeBatch([['a', 'b', 'a']], [['y', 'x']]);
  it('changes training outputs but not evaluation or decoding', () => {
    const plain = make(0);
    const dropped = make(0.4);
    expect(Array.from(dropped.forward(batch, false).data)).toEqual(Array.from(plain.forward(batch, false).data));
    expect(Array.from(dropped.forward(batch, true).data)).not.toEqual(Array.from(plain.forward(batch, true).data));
    expect(dropped.translate([['a', 'b']])).toEqual(plain.translate([['a', 'b']]));
  });
  it('refuses a rate outside [0, 1)', () => expect(() => make(1)).toThrow(/dropout: rate must be in \[0, 1\)/));
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
