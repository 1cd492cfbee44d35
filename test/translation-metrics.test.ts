import { bleuFromStats, corpusBleu, type BleuOptions } from '../src/translate/bleu';
import { corpusChrf, type ChrfOptions } from '../src/translate/chrf';
import { tokenize13a } from '../src/translate/tokenize-13a';

// Known values from sacreBLEU's own test suite (see the fixture's "source").
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cases = require('./fixtures/sacrebleu/cases.json') as {
  bleu: { hyps: string[]; refs: string[][]; options: BleuOptions; score: number }[];
  bleuStatistics: { hyp: string; ref: string; counts: number[]; totals: number[] };
  bleuFromStats: { counts: number[]; totals: number[]; sysLen: number; refLen: number; score: number };
  chrf: { hyps: string[]; refs: string[]; options: ChrfOptions; score: number }[];
};

describe('corpus BLEU (sacreBLEU 2.x)', () => {
  it.each(cases.bleu.map((c) => [JSON.stringify(c.options), c] as const))('%s', (_name, c) => {
    expect(Math.abs(corpusBleu(c.hyps, c.refs, c.options).score - c.score)).toBeLessThan(1e-6);
  });
  it('n-gram statistics', () => {
    const s = cases.bleuStatistics;
    const r = corpusBleu([s.hyp], [[s.ref]], { tokenize: 'none' });
    expect(r.counts).toEqual(s.counts);
    expect(r.totals).toEqual(s.totals);
  });
  it('score from statistics', () => {
    const b = cases.bleuFromStats;
    expect(bleuFromStats(b.counts, b.totals, b.sysLen, b.refLen).score).toBeCloseTo(b.score, 6);
  });
  it('13a tokenization splits punctuation, keeps decimal numbers', () => {
    expect(tokenize13a('Él dijo: "¡3.5 kg, no 4-5!"')).toBe('Él dijo : " ¡3.5 kg , no 4 - 5 ! "');
  });
  it('reference streams must match the hypotheses', () => expect(() => corpusBleu(['a'], [['a', 'b']])).toThrow(/reference stream/));
});

describe('corpus chrF (sacreBLEU 2.x)', () => {
  it.each(cases.chrf.map((c) => [`${c.hyps[0].slice(0, 30)} ${JSON.stringify(c.options)}`, c] as const))('%s', (_name, c) => {
    expect(Math.abs(corpusChrf(c.hyps, c.refs, c.options) - c.score)).toBeLessThan(1e-4);
  });
});
