import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng';
import { loadBrownCorpus, untagBrown } from '../src/data/brown-corpus';
import { CharLanguageModel, randomWindows } from '../src/nlp/char-lm';
import { charLMToJSON, loadCharLM, loadWordLM, saveCharLM, saveWordLM } from '../src/nlp/lm-file';
import { WordLanguageModel } from '../src/nlp/word-lm';
import { tokenizeWords, WordVocabulary } from '../src/nlp/word-vocabulary';
import { KneserNeyModel } from '../src/nlp/ngram';
import { sampleFromLogits } from '../src/nlp/sampling';
import { meanScored, mixtureBits } from '../src/nlp/mixture';
import { CharVocabulary } from '../src/nlp/vocabulary';
import { FileError } from '../src/io/file-error';
import { saveModel } from '../src/io/model-file';

const TEXT = 'the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat.\n'.repeat(20);

describe('character vocabulary', () => {
  const vocab = CharVocabulary.fromText('hello world', 1);
  it('round-trips text and maps unseen characters to the unknown id', () => {
    expect(vocab.decode(vocab.encode('hello'))).toBe('hello');
    expect(vocab.encode('hQ')[1]).toBe(0);
    expect(vocab.decode(vocab.encode('Q'))).toBe('\uFFFD');
  });
  it('drops characters rarer than minCount', () => {
    expect(CharVocabulary.fromText('aaab', 2).chars).toEqual(['\u0000', 'a']);
  });
  it('rejects ids outside the vocabulary', () => expect(() => vocab.decode([99])).toThrow(/outside the vocabulary/));
});

describe('Kneser-Ney character n-grams', () => {
  const vocab = CharVocabulary.fromText(TEXT);
  const ids = vocab.encode(TEXT);
  it.each([1, 2, 3, 5])('order %i gives a probability distribution in every context', (order) => {
    const m = new KneserNeyModel(order, vocab.size).fit(ids);
    for (const ctx of ['the c', 'xq', '', 'on a ']) {
      let sum = 0;
      for (let v = 0; v < vocab.size; v++) sum += m.prob(vocab.encode(ctx), v);
      expect(sum).toBeCloseTo(1, 10);
    }
  });
  it('higher orders predict repetitive text better, and all beat the uniform model', () => {
    const held = vocab.encode('the dog sat on the mat. a cat met a dog.');
    const bpc = [1, 2, 4].map((n) => new KneserNeyModel(n, vocab.size).fit(ids).bitsPerSymbol(held));
    expect(bpc[0]).toBeLessThan(Math.log2(vocab.size));
    expect(bpc[1]).toBeLessThan(bpc[0]);
    expect(bpc[2]).toBeLessThan(bpc[1]);
  });
  it('rejects a bad order and too little text', () => {
    expect(() => new KneserNeyModel(0, 5)).toThrow(/order/);
    expect(() => new KneserNeyModel(4, 5).fit([1, 2])).toThrow(/at least 4/);
  });
});

describe('character language model', () => {
  const vocab = CharVocabulary.fromText(TEXT);
  const ids = vocab.encode(TEXT);

  it('random windows pair each input with the next character', () => {
    const b = randomWindows(ids, 4, 10, new Rng(1));
    for (let i = 0; i < 4; i++) {
      for (let t = 0; t < 9; t++) expect(b.y.data[i * 10 + t]).toBe(b.x.data[i * 10 + t + 1]);
    }
  });

  it('streaming evaluation carries the state: chunk size does not change bits per character', () => {
    const lm = new CharLanguageModel({ vocab, hiddenSize: 8, embeddingDim: 4, seed: 2 });
    const text = ids.slice(0, 301);
    const whole = lm.bitsPerChar(text, { streams: 1, chunk: 1000 });
    const chunked = lm.bitsPerChar(text, { streams: 1, chunk: 7 });
    expect(chunked).toBeCloseTo(whole, 4);
    expect(whole).toBeGreaterThan(Math.log2(vocab.size) - 1);
  });

  it('learns: held-out bits per character fall well below the uniform rate', () => {
    const lm = new CharLanguageModel({ vocab, hiddenSize: 32, embeddingDim: 8, seed: 3 });
    const h = lm.train(ids, { steps: 150, batchSize: 16, seqLength: 32, lr: 1e-2, validIds: ids.slice(0, 400), evalEvery: 50, log: false });
    expect(h.step).toEqual([50, 100, 150]);
    expect(h.validBpc[2]).toBeLessThan(h.validBpc[0]);
    expect(h.validBpc[2]).toBeLessThan(1.5);
    const greedy = lm.generate('the ', 30, 0);
    expect(greedy.startsWith('the ')).toBe(true);
    expect(greedy).toHaveLength(34);
    expect(lm.generate('the ', 30, 0.8, 5)).toBe(lm.generate('the ', 30, 0.8, 5));
  }, 30000);

  it('saves and loads (same predictions), atomically, and names a bad file', () => {
    const lm = new CharLanguageModel({ vocab, hiddenSize: 8, embeddingDim: 4, seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'charlm-'));
    saveCharLM(lm, join(dir, 'lm.json'), { steps: 0 });
    const back = loadCharLM(join(dir, 'lm.json'));
    expect(back.info).toEqual({ steps: 0 });
    expect(back.lm.bitsPerChar(ids.slice(0, 100))).toBeCloseTo(lm.bitsPerChar(ids.slice(0, 100)), 6);
    expect(() => loadCharLM(join(dir, 'missing.json'))).toThrow(FileError);
  });

  it('saves and loads as safetensors (same predictions, spec and info); refuses other safetensors files', () => {
    const lm = new CharLanguageModel({ vocab, hiddenSize: 8, embeddingDim: 4, layers: 2, dropout: 0.1, seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'charlm-'));
    const file = join(dir, 'lm.safetensors');
    saveCharLM(lm, file, { steps: 3 });
    const back = loadCharLM(file);
    expect(back.info).toEqual({ steps: 3 });
    expect(back.lm.spec.layers).toBe(2);
    expect(back.lm.vocab.chars).toEqual(vocab.chars);
    expect(back.lm.bitsPerChar(ids.slice(0, 100))).toBeCloseTo(lm.bitsPerChar(ids.slice(0, 100)), 6);
    const tampered = JSON.parse(JSON.stringify({ ...charLMToJSON(lm, {}) }));
    tampered.spec.hiddenSize = 1e6;
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    expect(() => loadCharLM(join(dir, 'tampered.json'))).toThrow(/spec .* does not describe the stored network/);
    tampered.spec = { ...tampered.spec, hiddenSize: 8, layers: 1e9 };
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    expect(() => loadCharLM(join(dir, 'tampered.json'))).toThrow(/does not describe the stored network/);
    saveModel(lm.model, join(dir, 'plain.safetensors'));
    expect(() => loadCharLM(join(dir, 'plain.safetensors'))).toThrow(/not a character language model file/);
  });
});

describe('sampling with temperature', () => {
  it('temperature 0 is argmax; low temperature concentrates on the best token', () => {
    const logits = [0.1, 2, 0.5];
    expect(sampleFromLogits(logits, 0, new Rng(1))).toBe(1);
    const rng = new Rng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 2000; i++) counts[sampleFromLogits(logits, 0.2, rng)]++;
    expect(counts[1]).toBeGreaterThan(1900);
    const hot = [0, 0, 0];
    for (let i = 0; i < 3000; i++) hot[sampleFromLogits(logits, 5, rng)]++;
    expect(Math.min(...hot)).toBeGreaterThan(700);
    expect(() => sampleFromLogits(logits, -1, rng)).toThrow(/temperature/);
  });
});

describe('sampling with top-k and top-p', () => {
  // softmax of these logits: 0.5, 0.3, 0.15, 0.05
  const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
  const drawn = (opts: Parameters<typeof sampleFromLogits>[1], n = 3000): Set<number> => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(sampleFromLogits(logits, opts, rng));
    return seen;
  };
  it('top-k = 1 is argmax; top-k keeps the k most likely', () => {
    expect(drawn({ topK: 1, temperature: 5 }, 50)).toEqual(new Set([0]));
    expect(drawn({ topK: 2 })).toEqual(new Set([0, 1]));
    expect(drawn({ topK: 10 })).toEqual(new Set([0, 1, 2, 3]));
  });
  it('top-p keeps the smallest set of most likely tokens whose mass reaches p', () => {
    expect(drawn({ topP: 0.5 })).toEqual(new Set([0]));
    expect(drawn({ topP: 0.6 })).toEqual(new Set([0, 1]));
    expect(drawn({ topP: 0.8 })).toEqual(new Set([0, 1]));
    expect(drawn({ topP: 0.81 })).toEqual(new Set([0, 1, 2]));
    // after top-k = 2 the nucleus is taken of the renormalised pair: 0.5 / 0.8 < 0.7
    expect(drawn({ topK: 2, topP: 0.7 })).toEqual(new Set([0, 1]));
  });
  it('draws in proportion within the kept set, reproducibly for a seed', () => {
    const rng = new Rng(4);
    let first = 0;
    for (let i = 0; i < 4000; i++) if (sampleFromLogits(logits, { topK: 2 }, rng) === 0) first++;
    expect(first / 4000).toBeCloseTo(0.625, 1);
    const run = (seed: number) => Array.from({ length: 20 }, (_, i, r = new Rng(seed + i)) => sampleFromLogits(logits, { temperature: 0.9, topP: 0.9, topK: 3 }, r));
    expect(run(7)).toEqual(run(7));
  });
  it('over a word vocabulary, draws what a full sort of the vocabulary gives (the nucleus is sorted from a threshold; up to the rounding of the sum)', () => {
    // The reference: every id sorted, most likely first (ties by id), cut to the top k and then to the nucleus.
    const reference = (z: Float64Array, o: { temperature: number; topK?: number; topP?: number }, rng: Rng): number => {
      const max = Math.max(...z);
      const p = Array.from(z, (v) => Math.exp((v - max) / o.temperature));
      const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b).slice(0, o.topK ?? p.length);
      const total = order.reduce((s, i) => s + p[i], 0);
      let n = 0;
      for (let mass = 0; n < order.length && mass < (o.topP ?? 1) * total * (1 - 1e-12); n++) mass += p[order[n]];
      const kept = order.slice(0, n);
      let u = rng.next() * kept.reduce((s, i) => s + p[i], 0);
      for (const i of kept) if ((u -= p[i]) <= 0) return i;
      return kept[kept.length - 1];
    };
    const gen = new Rng(11);
    for (const [size, spread, o] of [
      [5000, 3, { temperature: 1, topP: 0.9 }], [5000, 12, { temperature: 0.7, topP: 0.95 }], [5000, 0.5, { temperature: 1, topP: 0.999 }],
      [3000, 3, { temperature: 1, topK: 40, topP: 0.9 }], [3000, 3, { temperature: 1.3, topK: 2500 }], [64, 800, { temperature: 1, topK: 60, topP: 1 }],
    ] as const) {
      const z = Float64Array.from({ length: size }, () => spread * gen.normal());
      const [a, b] = [new Rng(5), new Rng(5)];
      for (let draw = 0; draw < 30; draw++) expect(sampleFromLogits(z, o, a)).toBe(reference(z, o, b));
    }
  });
  it('refuses logits that are not finite, naming the value', () => {
    expect(() => sampleFromLogits([0, NaN, 1], 1, new Rng(1))).toThrow(/logits holding NaN \(id 1\).*must be finite/);
    expect(() => sampleFromLogits([0, Infinity, 1], { topP: 0.9 }, new Rng(1))).toThrow(/logits holding (NaN|Infinity)/);
  });
  it('rejects bad options', () => {
    expect(() => sampleFromLogits(logits, { topK: 0 }, new Rng(1))).toThrow(/topK/);
    expect(() => sampleFromLogits(logits, { topP: 0 }, new Rng(1))).toThrow(/topP/);
    expect(() => sampleFromLogits(logits, { topP: 1.5 }, new Rng(1))).toThrow(/topP/);
  });
});

describe('word vocabulary', () => {
  it('tokenizes lowercased words, punctuation and paragraph ends', () => {
    expect(tokenizeWords('The jury\'s "well-known" view, 1961.\nNext')).toEqual(['the', "jury's", '"', 'well-known', '"', 'view', ',', '1961', '.', '<eos>', 'next']);
  });
  it('keeps the most frequent words, maps the rest to <unk>, and decodes', () => {
    const vocab = WordVocabulary.fromText('b a b c b a.\nd', 5);
    expect(vocab.words).toEqual(['<unk>', '<eos>', 'b', 'a', '.']);
    expect(Array.from(vocab.encode('a b z\n'))).toEqual([3, 2, 0, 1]);
    expect(vocab.decode(vocab.encode('A b. z\nb'))).toBe('a b . <unk>\nb');
    expect(() => vocab.decode([7])).toThrow(/outside the vocabulary/);
    expect(() => WordVocabulary.fromText('  ', 10)).toThrow(/without words/);
    expect(() => WordVocabulary.fromText('a', 2)).toThrow(/size/);
  });
});

describe('Kneser-Ney word n-grams, plain and modified', () => {
  const text = loadBrownCorpus({ categories: ['news'] }).slice(0, 12).map((d) => d.text).join('\n');
  const vocab = WordVocabulary.fromText(text, 800);
  const ids = vocab.encode(text);
  it.each([
    [3, false],
    [3, true],
    [5, false],
    [5, true],
  ])('order %i (modified %s) sums to 1 over the whole vocabulary in seen and unseen contexts', (order, modified) => {
    const m = new KneserNeyModel(order, vocab.size, { modified }).fit(ids);
    for (const ctx of ['the jury said that', 'of the', 'zebra quantum the', '', 'said .']) {
      let sum = 0;
      for (let v = 0; v < vocab.size; v++) sum += m.prob(vocab.encode(ctx), v);
      expect(sum).toBeCloseTo(1, 10);
    }
  });
  it('modified Kneser-Ney has three discounts per order, growing with the count, and scores better on held-out text', () => {
    const fit = (modified: boolean) => new KneserNeyModel(3, vocab.size, { modified }).fit(ids.slice(0, ids.length - 3000));
    const [d1, d2, d3] = fit(true).discountsByOrder[2];
    expect(d1).toBeLessThan(d2);
    expect(d2).toBeLessThan(d3);
    expect(new Set(fit(false).discountsByOrder[2]).size).toBe(1);
    const held = ids.slice(ids.length - 3000);
    expect(fit(true).bitsPerSymbol(held)).toBeLessThan(fit(false).bitsPerSymbol(held));
  });
  it('rejects ids outside the vocabulary', () => {
    expect(() => new KneserNeyModel(2, 3).fit([0, 1, 3])).toThrow(/outside the vocabulary/);
    expect(() => new KneserNeyModel(2, 70000)).toThrow(/vocabulary size/);
  });
});

describe('word language model', () => {
  const vocab = WordVocabulary.fromText(TEXT, 30);
  const ids = vocab.encode(TEXT);
  it('learns, reports perplexity = 2^bits, generates reproducibly with top-k/top-p, saves and loads', () => {
    const lm = new WordLanguageModel({ vocab, hiddenSize: 24, embeddingDim: 8, seed: 5 });
    const before = lm.perplexity(ids.slice(0, 200));
    lm.train(ids, { steps: 120, batchSize: 16, seqLength: 12, lr: 1e-2, log: false });
    const after = lm.perplexity(ids.slice(0, 200));
    expect(after).toBeLessThan(before / 3);
    expect(after).toBeCloseTo(2 ** lm.bitsPerSymbol(ids.slice(0, 200)), 10);
    const text = lm.generate('the cat', 12, { temperature: 0.8, topK: 5, topP: 0.9 }, 3);
    expect(text.startsWith('the cat ')).toBe(true);
    expect(text).toBe(lm.generate('the cat', 12, { temperature: 0.8, topK: 5, topP: 0.9 }, 3));
    expect(lm.generate('the', 5, { topK: 1 })).toBe(lm.generate('the', 5, 0));
    const dir = mkdtempSync(join(tmpdir(), 'wordlm-'));
    saveWordLM(lm, join(dir, 'lm.safetensors'), { steps: 120 });
    const back = loadWordLM(join(dir, 'lm.safetensors'));
    expect(back.info).toEqual({ steps: 120 });
    expect(back.lm.vocab.words).toEqual(vocab.words);
    expect(back.lm.perplexity(ids.slice(0, 200))).toBeCloseTo(after, 6);
    expect(() => loadCharLM(join(dir, 'lm.safetensors'))).toThrow(/not a character language model file \(format 'rnnkit-word-lm'\)/);
    saveCharLM(new CharLanguageModel({ vocab: CharVocabulary.fromText(TEXT), hiddenSize: 4, embeddingDim: 2 }), join(dir, 'c.json'));
    expect(() => loadWordLM(join(dir, 'c.json'))).toThrow(/not a word language model file/);
  }, 30000);
  it('rejects ids outside the vocabulary and an empty prompt', () => {
    const lm = new WordLanguageModel({ vocab, hiddenSize: 4, embeddingDim: 2 });
    expect(() => lm.perplexity(Int32Array.of(1, 2, 99))).toThrow(/id 99 at position 2 is outside/);
    expect(() => lm.generate('  ', 3, 1)).toThrow(/non-empty prompt/);
  });
});

describe('Brown corpus text', () => {
  it('strips tags and re-attaches punctuation and quotes', () => {
    expect(untagBrown('The/at jury/nn said/vbd ``/`` no/at evidence/nn \'\'/\'\' ,/, it/pps ./.')).toBe('The jury said "no evidence", it.');
  });
  it('loads all 500 documents with their genres', () => {
    const docs = loadBrownCorpus();
    expect(docs).toHaveLength(500);
    expect(docs[0]).toMatchObject({ id: 'ca01', category: 'news' });
    expect(docs[0].text.startsWith('The Fulton County Grand Jury said Friday')).toBe(true);
    expect(loadBrownCorpus({ categories: ['humor'] }).length).toBe(9);
  });
  it('names a directory that is not the corpus', () => {
    expect(() => loadBrownCorpus({ root: tmpdir() })).toThrow(/cats.txt/);
  });
});

describe('mixing two language models', () => {
  const a = Float64Array.of(NaN, 1, 2, 3);
  const b = Float64Array.of(0.5, 3, 2, 1);
  it('weight 1 or 0 gives one model; equal scores give the same score', () => {
    expect(mixtureBits(a, b, 1)).toBeCloseTo(2, 12);
    expect(mixtureBits(a, b, 0)).toBeCloseTo(2, 12);
    expect(mixtureBits(a, a, 0.3)).toBeCloseTo(meanScored(a), 12);
  });
  it('an even mixture never does worse than the worse model on any symbol', () => {
    // -log2(0.5·2^-1 + 0.5·2^-3) = 1.678 for the first scored symbol
    expect(mixtureBits(a, b, 0.5)).toBeCloseTo((-Math.log2(0.5 * 0.5 + 0.5 * 0.125) * 2 + 2) / 3, 12);
  });
  it('rejects mismatched inputs', () => {
    expect(() => mixtureBits(a, b.slice(1), 0.5)).toThrow(/differ in length/);
    expect(() => mixtureBits(a, b, 2)).toThrow(/weight/);
    expect(() => meanScored(Float64Array.of(NaN))).toThrow(/no symbol/);
  });
});
