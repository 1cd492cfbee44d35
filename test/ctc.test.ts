import * as fs from 'fs';
import * as path from 'path';
import { Sequential } from '../src';
import { ctc, CtcLoss } from '../src/losses/ctc';
import { beamDecode, greedyDecode } from '../src/decode/ctc-decode';
import { grammarDecode } from '../src/speech/grammar-decode';
import { Rng } from '../src/core/rng';
import { randomSeq } from './helpers/data';
import { referenceBeamDecode } from './helpers/ctc-beam-reference';
import { gradientRelativeError } from './helpers/gradcheck';

const labelsTarget = (labels: number[][]) => {
  const L = Math.max(...labels.map((l) => l.length));
  const data = new Int32Array(labels.length * L).fill(-1);
  labels.forEach((l, b) => data.set(l, b * L));
  return { data, batch: labels.length, time: L, features: 1 };
};

describe('CTC loss', () => {
  it('matches PyTorch ctc_loss (value and gradient) with repeats and ragged lengths', () => {
    // test/fixtures/torch/ctc.json from scripts/make-torch-fixtures.py
    const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'torch', 'ctc.json'), 'utf8'));
    const logits = { data: Float64Array.from(fx.logits), batch: fx.batch, time: fx.time, features: fx.classes };
    const r = ctc().compute(logits, labelsTarget(fx.labels), Int32Array.from(fx.inputLengths));
    expect(Math.abs(r.loss - fx.loss)).toBeLessThan(1e-9);
    let worst = 0;
    r.grad.data.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - fx.grad[i]))));
    expect(worst).toBeLessThan(1e-9);
  });

  it('passes a finite-difference gradient check through a bidirectional GRU', () => {
    const model = new Sequential({ inputFeatures: 3, dtype: 'float64', seed: 2, layers: [{ type: 'gru', hiddenSize: 4, bidirectional: true }, { type: 'dense', units: 5 }] });
    const x = randomSeq('float64', 2, 7, 3);
    const target = labelsTarget([[1, 2, 2], [4]]);
    const lengths = Int32Array.of(7, 5);
    const loss = ctc();
    const f = () => loss.compute(model.forward(x, { lengths }), target, lengths).loss;
    model.zeroGrad();
    model.backward(loss.compute(model.forward(x, { lengths }), target, lengths).grad);
    for (const p of model.params()) expect(gradientRelativeError(f, p.value, p.grad)).toBeLessThan(1e-6);
  });

  it('skips sequences whose labels cannot fit their length, and names bad labels', () => {
    const loss = new CtcLoss();
    const logits = randomSeq('float64', 2, 3, 4);
    // [1,1,1] needs 5 steps (blanks between repeats); only 3 are there.
    const r = loss.compute(logits, labelsTarget([[1, 1, 1], [2]]), Int32Array.of(3, 3));
    expect(loss.impossible).toBe(1);
    expect(r.count).toBe(1);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(() => loss.compute(logits, labelsTarget([[0], [2]]), Int32Array.of(3, 3))).toThrow(/label 0 of sequence 0 is not a class in \[1, 4\) \(0 is the blank\)/);
  });
});

describe('CTC decoding', () => {
  const logitsFrom = (probs: number[][]) => Float64Array.from(probs.flat().map(Math.log));

  it('greedy decoding merges repeats and drops blanks', () => {
    const logits = logitsFrom([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]);
    expect(greedyDecode(logits, 5, 3)).toEqual([1, 1, 2]);
  });

  it('beam search finds the most probable labelling where greedy does not', () => {
    // Best path is blank,blank (p .36), but "1" has p = .4*.6... summed over its paths = .64 > .36.
    const logits = logitsFrom([[0.6, 0.4], [0.6, 0.4]]);
    expect(greedyDecode(logits, 2, 2)).toEqual([]);
    expect(beamDecode(logits, 2, 2, 4)).toEqual([1]);
  });

  describe('beam search returns exactly what the plain reference search returns, ties included', () => {
    // Kinds of rows: each decides one step's logits from the row's index k and a random source.
    const rowKinds: Record<string, (k: number, rng: Rng, shared: number[]) => number> = {
      random: (_k, rng) => 3 * rng.normal(),
      peaked: (_k, rng) => (rng.next() < 0.15 ? 9 : -4 + 0.01 * rng.normal()), // near one-hot
      masked: (k, rng) => (k > 0 && k % 3 === 0 ? -1e9 : 2 * rng.normal()), // like grammar-decode's command mask
      equal: (k, _rng, shared) => shared[k], // the same row at every step: many exact ties
      uniform: () => 0,
      'with -Infinity and NaN': (_k, rng) => (rng.next() < 0.1 ? (rng.next() < 0.5 ? -Infinity : NaN) : rng.normal()),
    };
    const compare = (kind: string, seed: number, shapes: [T: number, C: number, beamWidth: number][]) => {
      const rng = new Rng(seed);
      for (const [T, C, beamWidth] of shapes) {
        const shared = Array.from({ length: C }, () => Math.round(2 * rng.normal()));
        const logits = Float64Array.from({ length: T * C }, (_, i) => rowKinds[kind](i % C, rng, shared));
        expect({ T, C, beamWidth, labels: beamDecode(logits, T, C, beamWidth) }).toEqual({ T, C, beamWidth, labels: referenceBeamDecode(logits, T, C, beamWidth) });
      }
    };
    const shapesFrom = (rng: Rng, count: number) =>
      Array.from({ length: count }, (): [number, number, number] => [1 + rng.int(rng.next() < 0.2 ? 80 : 10), [2, 3, 5, 22][rng.int(4)], [1, 2, 3, 8, 16][rng.int(5)]]);

    it.each(Object.keys(rowKinds))('%s rows, many shapes', (kind) => {
      const seed = Object.keys(rowKinds).indexOf(kind) + 11;
      compare(kind, seed, shapesFrom(new Rng(seed), 150));
    });

    it.each(Object.keys(rowKinds))('%s rows at the edges: T=1, C=2, beamWidth 1 and 16', (kind) => {
      compare(kind, 5, [[1, 22, 8], [1, 2, 1], [1, 2, 16], [7, 2, 16], [40, 2, 16], [30, 22, 1], [30, 22, 16], [12, 3, 16]]);
    });

    it('grammar-sized input: T=535, C=22, beamWidth 8, command classes masked', () => {
      compare('masked', 3, [[535, 22, 8], [535, 22, 8]]);
    });
  });
});

describe('grammar decoding (digit string or one command word)', () => {
  // classes: 0 blank, then WORDS: zero..nine, oh (1..11), yes (12), ..., go (21)
  const C = 22;
  const frames = (ids: number[]) => {
    const logits = new Float64Array(ids.length * C).fill(-5);
    ids.forEach((id, t) => (logits[t * C + id] = 5));
    return logits;
  };

  it('turns a command word with a spurious digit into the command word', () => {
    const yes = 12;
    const eight = 9;
    const logits = frames([0, yes, yes, 0, 0, eight, 0]);
    logits[5 * C + 0] = 4.5; // the "eight" frame is nearly blank
    expect(greedyDecode(logits, 7, C)).toEqual([yes, eight]);
    expect(grammarDecode(logits, 7, C)).toEqual([yes]);
  });

  it('answers nothing when the all-blank path is the likeliest (silence, noise, a tone)', () => {
    const yes = 12;
    const blank = frames([0, 0, 0, 0, 0, 0]);
    expect(grammarDecode(blank, 6, C)).toEqual([]);
    const weak = frames([0, 0, yes, 0, 0, 0]);
    weak[2 * C + 0] = 5.2; // blank slightly likelier than "yes" in its one frame: the empty answer wins
    expect(grammarDecode(weak, 6, C)).toEqual([]);
    weak[2 * C + 0] = 0; // clearly "yes"
    expect(grammarDecode(weak, 6, C)).toEqual([yes]);
  });

  it('keeps digit strings, including repeats', () => {
    const three = 4;
    const logits = frames([0, three, 0, three, 0, 5, 5, 0]);
    expect(grammarDecode(logits, 8, C)).toEqual([three, three, 5]);
  });
});
