import * as path from 'path';
import * as fs from 'fs';
import { beamSearch, type StepDecoder } from '../src/decode/beam-search';
import { Seq2Seq } from '../src/seq2seq/model';
import { beamTranslate } from '../src/seq2seq/beam-translate';
import { TokenVocabulary } from '../src/seq2seq/token-vocabulary';
import { copySource, WordForWord } from '../src/translate/baselines';
import { BytePairEncoding, pretokenize, UNKNOWN } from '../src/translate/bpe';
import { clausesOf, corpusSplit, encodeCorpus, loadParallelCorpus, MAX_WORDS, splitOf, withinLengthLimit } from '../src/translate/parallel-corpus';
import { decodeSafetensors, encodeSafetensors, tensorValues } from '../src/io/safetensors';
import { Translator } from '../src/translate/translator';
import { loadTranslator, saveTranslator } from '../src/translate/translator-file';
import { runCli } from './helpers/cli';
import { tempDir } from './helpers/temp-dir';

describe('byte-pair encoding', () => {
  it('cuts text into words and marks, ▁ where a space precedes', () => {
    expect(pretokenize('  Hello,  world! ¿Qué tal?')).toEqual(['▁Hello', ',', '▁world', '!', '▁¿', 'Qué', '▁tal', '?']);
  });
  it('learns merges in order of pair frequency, ties to the smaller pair (Sennrich et al. 2016 example)', () => {
    const text = ['low '.repeat(5), 'lower '.repeat(2), 'newest '.repeat(6), 'widest '.repeat(3)].join('');
    const bpe = BytePairEncoding.learn([text], 4);
    // (e,s) and (s,t) occur 9 times each: 'e s' sorts first; then 'es t' 9; then '▁ l' 7 ties 'l o' 7 ('▁' sorts after ASCII).
    expect(bpe.merges).toEqual([['e', 's'], ['es', 't'], ['l', 'o'], ['lo', 'w']]);
    expect(bpe.encode('lowest newer')).toEqual(['▁', 'low', 'est', '▁', 'n', 'e', 'w', 'e', 'r']);
  });
  it('round-trips whitespace-normalised text, including characters it has not seen merged', () => {
    const bpe = BytePairEncoding.learn(['El niño comió pan.', 'La niña comió, ¿verdad?'], 30);
    for (const s of ['El niño comió pan.', 'La niña comió, ¿verdad?', 'pan niño, niña.']) expect(bpe.decode(bpe.encode(s))).toBe(s);
    expect(bpe.decode(bpe.encode('  La   niña  '))).toBe('La niña');
  });
  it('turns characters absent from the training text into the unknown token', () => {
    const bpe = BytePairEncoding.learn(['abc abc'], 10);
    expect(bpe.encode('abz')).toEqual(['▁', 'ab', UNKNOWN]);
    expect(bpe.symbols()[0]).toBe(UNKNOWN);
  });
  it('is saved and restored as JSON with the same encoding', () => {
    const bpe = BytePairEncoding.learn(['the cat sat on the mat', 'the rat sat'], 12);
    const back = BytePairEncoding.fromJSON(JSON.parse(JSON.stringify(bpe.toJSON())));
    expect(back.encode('the bat sat on a hat')).toEqual(bpe.encode('the bat sat on a hat'));
    expect(() => BytePairEncoding.fromJSON({} as never)).toThrow(/byte-pair encoding/);
  });
});

describe('parallel corpus (data/translation/eng-spa.tsv.gz)', () => {
  const pairs = loadParallelCorpus();
  const sentences = pairs.filter((p) => !p.clause);
  const clauses = pairs.filter((p) => p.clause);
  it('holds distinct English sentences within the length limit, split by a hash of the sentence', () => {
    expect(sentences.length).toBeGreaterThan(20000);
    expect(new Set(pairs.map((p) => p.en)).size).toBe(pairs.length);
    for (const p of sentences.slice(0, 2000)) {
      expect(withinLengthLimit(p.en)).toBe(true);
      expect(p.split).toBe(splitOf(p.en));
      expect(p.es.length).toBeGreaterThan(0);
    }
    const test = corpusSplit(pairs, 'test').length;
    expect(test / sentences.length).toBeGreaterThan(0.04);
    expect(test / sentences.length).toBeLessThan(0.06);
  });
  it('adds clauses of longer sentences as training data only', () => {
    expect(clauses.length).toBeGreaterThan(40000);
    for (const p of clauses.slice(0, 2000)) {
      expect(p.split).toBe('train');
      expect(withinLengthLimit(p.en)).toBe(true);
    }
    expect(clausesOf('Short sentences, like this one, have no clauses.')).toEqual([]);
    const long = 'When the committee met on Monday, it voted to send the bill back; the senators, however, were away on a trip abroad.';
    expect(clausesOf(long)).toEqual(['When the committee met on Monday,', 'it voted to send the bill back;', 'were away on a trip abroad.']);
  });
  const dir = tempDir('rnnkit-corpus-');
  it('marks clauses as training data only', () => {
    const ok = path.join(dir, 'ok.tsv.gz');
    const extra = { split: 'train' as const, en: 'and went home,', es: 'y fue a casa,', clause: true };
    fs.writeFileSync(ok, encodeCorpus([{ split: 'test', en: 'He went home.', es: 'Fue a casa.' }, extra]));
    expect(loadParallelCorpus(ok)).toEqual([{ split: 'test', en: 'He went home.', es: 'Fue a casa.' }, extra]);
    const bad = path.join(dir, 'bad.tsv.gz');
    fs.writeFileSync(bad, encodeCorpus([{ ...extra, split: 'test' }]));
    expect(() => loadParallelCorpus(bad)).toThrow(/bad.tsv.gz: line 1 is not split \\t English \\t Spanish \[\\t clause\]/);
  });
  it('limits sentence length', () => {
    expect(withinLengthLimit('Too short.')).toBe(false);
    expect(withinLengthLimit('One two three.')).toBe(true);
    expect(withinLengthLimit(Array(MAX_WORDS + 1).fill('word').join(' '))).toBe(false);
  });
  it('refuses a file that is not split \\t English \\t Spanish', () => {
    expect(() => loadParallelCorpus(path.join(__dirname, 'fixtures', 'sacrebleu', 'cases.json'))).toThrow(/cases.json: not a gzip file/);
  });
});

describe('baselines', () => {
  const pairs = [
    ['the house', 'la casa'],
    ['the big house', 'la casa grande'],
    ['a house', 'una casa'],
    ['the dog', 'el perro'],
    ['the house is big', 'la casa es grande'],
    ['a dog is big', 'un perro es grande'],
  ].map(([source, target]) => ({ source, target }));
  const wfw = WordForWord.learn(pairs, 10);
  it('word for word: the most frequent aligned target word (IBM model 1), unseen words copied', () => {
    expect(wfw.lookup('house')).toBe('casa');
    expect(wfw.lookup('dog')).toBe('perro');
    expect(wfw.lookup('the')).toBe('la');
    expect(wfw.translate('the big dog, Rex.')).toBe('la grande perro , Rex .');
  });
  it('copying the source', () => expect(copySource(['a b'])).toEqual(['a b']));
});

/** A decoder whose next-token distribution depends on the last token only (tokens: 1 start, 2 end, 3 A, 4 B). */
function markovDecoder(table: Record<number, number[]>): StepDecoder {
  return {
    vocabSize: 5,
    step: (prev) => {
      const logits = new Float64Array(prev.length * 5);
      prev.forEach((p, r) => table[p].forEach((pr, v) => (logits[r * 5 + v] = Math.log(pr))));
      return { logits };
    },
    reorder: () => {},
  };
}

describe('beam search', () => {
  // Greedy takes A (0.6), after which every continuation is unlikely; B (0.4) is followed by the end almost surely.
  const table = { 1: [0, 0, 0, 0.6, 0.4], 2: [0, 0, 1, 0, 0], 3: [0, 0, 0.3, 0.35, 0.35], 4: [0, 0, 0.98, 0.01, 0.01] };
  const opts = { maxLength: 6, startToken: 1, endToken: 2 };
  it('finds a more probable sequence than greedy decoding on a constructed case', () => {
    const [greedy] = beamSearch(markovDecoder(table), 1, { ...opts, width: 1 });
    const [beam] = beamSearch(markovDecoder(table), 1, { ...opts, width: 3 });
    expect(greedy.tokens[0]).toBe(3);
    expect(beam.tokens).toEqual([4]);
    expect(beam.logProb).toBeCloseTo(Math.log(0.4 * 0.98), 12);
    expect(beam.logProb).toBeGreaterThan(greedy.logProb);
  });
  it('length normalisation: alpha 0 prefers the shorter, alpha 1 the higher mean log-probability', () => {
    // [] has probability 0.5, [A] 0.45 over two tokens (the end token counts).
    const t = { 1: [0, 0, 0.5, 0.5, 0], 2: [0, 0, 1, 0, 0], 3: [0, 0, 0.9, 0, 0.1], 4: [0, 0, 1, 0, 0] };
    expect(beamSearch(markovDecoder(t), 1, { ...opts, width: 2, alpha: 0 })[0].tokens).toEqual([]);
    expect(beamSearch(markovDecoder(t), 1, { ...opts, width: 2, alpha: 1 })[0].tokens).toEqual([3]);
  });
  it('rejects a width below 1', () => expect(() => beamSearch(markovDecoder(table), 1, { ...opts, width: 0 })).toThrow(/beam width/));

  const source = new TokenVocabulary(['a', 'b', 'c', 'd']);
  const target = new TokenVocabulary(['x', 'y', 'z']);
  const sources = [['a', 'b', 'c'], ['d'], ['c', 'a'], ['b', 'b', 'b', 'a']];
  it.each([false, true])('width 1 is the greedy translation of Seq2Seq (bidirectional %s)', (bidirectional) => {
    for (const seed of [3, 5, 8]) {
      const model = new Seq2Seq({ source, target, embeddingDim: 3, hiddenSize: 4, seed, bidirectional });
      const greedy = model.translate(sources, 6);
      const beam = beamTranslate(model, sources, { width: 1, maxLength: 6 });
      expect(beam).toEqual(greedy);
    }
  });
  it('a wider beam scores at least as well as greedy under the model', () => {
    const model = new Seq2Seq({ source, target, embeddingDim: 3, hiddenSize: 4, seed: 5 });
    const logProb = (src: string[], out: string[]) => {
      const b = model.makeBatch([src], [out]);
      return -model.lossAndBackward(b, false).loss * b.tgtLengths[0];
    };
    const wide = beamTranslate(model, sources, { width: 4, maxLength: 6, alpha: 0 });
    const greedy = beamTranslate(model, sources, { width: 1, maxLength: 6 });
    sources.forEach((s, i) => expect(logProb(s, wide[i].tokens)).toBeGreaterThanOrEqual(logProb(s, greedy[i].tokens) - 1e-5));
  });
});

describe('translator', () => {
  const dir = tempDir('rnnkit-translator-');
  const train = [
    ['The house is big.', 'La casa es grande.'],
    ['The dog is small.', 'El perro es pequeño.'],
    ['A big dog.', 'Un perro grande.'],
  ].map(([en, es]) => ({ en, es }));
  const t = Translator.learn({ merges: 20, cell: 'gru', embeddingDim: 4, hiddenSize: 6, attention: 'general', seed: 2 }, train);
  const file = path.join(dir, 't.safetensors');
  saveTranslator(t, file, { note: 'test' });

  it('saves and loads: same spec, encodings, weights and translations', () => {
    const { translator, info } = loadTranslator(file);
    expect(info).toEqual({ note: 'test' });
    expect(translator.spec).toEqual(t.spec);
    expect(translator.sourceBpe.merges).toEqual(t.sourceBpe.merges);
    const texts = ['The dog is big.', 'A house.', ''];
    expect(translator.translate(texts, { beam: 2 })).toEqual(t.translate(texts, { beam: 2 }));
    expect(translator.translate([''])).toEqual(['']);
  });
  it('learns one encoding for both languages when tied, and saves and loads it', () => {
    const tied = Translator.learn({ merges: 30, cell: 'gru', embeddingDim: 6, hiddenSize: 6, attention: 'general', seed: 2, tied: true }, train);
    expect(tied.sourceBpe).toBe(tied.targetBpe);
    expect(tied.sourceBpe.symbols()).toEqual(expect.arrayContaining(['▁dog', '▁perro']));
    expect(tied.model.tgtEmbed.weight).toBe(tied.model.srcEmbed.weight);
    const tiedFile = path.join(dir, 'tied.safetensors');
    saveTranslator(tied, tiedFile);
    const loaded = loadTranslator(tiedFile).translator;
    expect(loaded.spec).toEqual(tied.spec);
    expect(loaded.translate(['The big house.'], { beam: 2 })).toEqual(tied.translate(['The big house.'], { beam: 2 }));
  });
  it('gives attention over the source tokens for every output token', () => {
    const [d] = t.translateDetailed(['The dog.'], { beam: 3 });
    expect(d.attention).toHaveLength(d.tokens.length);
    for (const row of d.attention) expect(row).toHaveLength(d.sourceTokens.length);
  });
  it('refuses a spec that does not describe the stored tensors, before building it', () => {
    const decoded = decodeSafetensors(fs.readFileSync(file));
    const tampered = path.join(dir, 'tampered.safetensors');
    const spec = { ...t.spec, hiddenSize: 1e6 };
    fs.writeFileSync(tampered, Buffer.concat(encodeSafetensors([...decoded.tensors].map(([name, x]) => ({ name, dtype: 'F32' as const, shape: x.shape, data: Float32Array.from(tensorValues(x)) })), { ...decoded.metadata, spec: JSON.stringify(spec) })));
    expect(() => loadTranslator(tampered)).toThrow(/tampered.safetensors: the spec does not describe the stored tensor decoder.weight_hh \(18x6\)/);
  });
  it('refuses a file that is not a translator', () => {
    expect(() => loadTranslator(path.join(__dirname, 'fixtures', 'sacrebleu', 'cases.json'))).toThrow(/cases.json/);
  });
  it('rnnkit translate prints one line per text; --beam is checked', async () => {
    const r = await runCli('translate', 'The dog.', 'A big house.', '--model', file, '--beam', '2');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(2);
    expect((await runCli('translate', 'x', '--model', file, '--beam', '0')).code).toBe(2);
    expect((await runCli('translate', '--help')).out.join('\n')).toMatch(/rnnkit translate/);
  });
});
