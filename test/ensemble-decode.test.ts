import { beamDecode, greedyDecode } from '../src/decode/ctc-decode';
import { decodeMembers, splitMembers } from '../src/speech/ensemble-decode';
import { grammarCandidates, grammarDecode, likeliest } from '../src/speech/grammar-decode';
import { ctc, ctcLogLikelihood, ctcLogLikelihoodOfLogProbs, ctcLogProbs } from '../src/losses/ctc';
import { Rng } from '../src/core/rng';

// classes: 0 blank, then WORDS: zero..nine, oh (1..11), yes (12), ..., go (21)
const C = 22;
const [one, five, seven] = [2, 6, 8];
const frames = (ids: number[]) => {
  const logits = new Float32Array(ids.length * C).fill(-5);
  ids.forEach((id, t) => (logits[t * C + id] = 5));
  return logits;
};

/** Outputs of `steps` steps each, as decodeMembers and likeliest take them. */
const at = (steps: number, ...outputs: Float32Array[]) => outputs.map((logits) => ({ logits, steps }));

describe('splitMembers', () => {
  it('splits [T, K·C] rows into K members of [T, C], and leaves one member as it is', () => {
    const T = 2;
    const rows = Float32Array.from({ length: T * 2 * 3 }, (_, i) => i); // t0: a0 a1 a2 b0 b1 b2, t1: ...
    expect(splitMembers(rows, T, 3).map((m) => Array.from(m))).toEqual([[0, 1, 2, 6, 7, 8], [3, 4, 5, 9, 10, 11]]);
    expect(splitMembers(rows, T, 6).map((m) => Array.from(m))).toEqual([Array.from(rows)]);
  });

  it('refuses rows that are not whole members', () => {
    expect(() => splitMembers(new Float32Array(10), 2, 3)).toThrow('the model outputs 5 values per step, not a whole number of 3-class members');
    expect(() => splitMembers(new Float32Array(0), 0, 3)).toThrow(/not a whole number of 3-class members/);
  });
});

describe('decodeMembers', () => {
  it('one member decodes exactly as its decoder', () => {
    const logits = frames([0, five, 0, 0, seven, seven, 0]);
    logits[4 * C] = 4.8;
    expect(decodeMembers(at(7, logits), C, 'grammar')).toEqual(grammarDecode(logits, 7, C));
    expect(decodeMembers(at(7, logits), C, 'beam')).toEqual(beamDecode(logits, 7, C, 8));
    expect(decodeMembers(at(7, logits), C, 'greedy')).toEqual(greedyDecode(logits, 7, C));
  });

  it('members whose spikes sit on different steps agree on the words', () => {
    // Two CTC models rarely put a word on the same step; averaging their steps would see "five" nowhere.
    const a = frames([0, five, 0, 0, 0, 0]);
    const b = frames([0, 0, 0, five, 0, 0]);
    a[1 * C + seven] = 4.9; // alone, a barely prefers "five" to "seven"; b backs "five"
    b[3 * C + one] = 4.9;
    for (const decoder of ['grammar', 'beam', 'greedy'] as const) {
      expect(decodeMembers(at(6, a, b), C, decoder)).toEqual([five]);
      expect(decodeMembers(at(6, b, a), C, decoder)).toEqual([five]);
    }
  });

  it('each member proposes and all judge: a confident member outweighs an unsure one', () => {
    const sure = frames([0, one, 0, 0]);
    const unsure = frames([0, 0, 0, 0]);
    unsure[1 * C + seven] = 1; // its own best is "seven", barely over "one"
    unsure[1 * C + one] = 0.8;
    unsure[1 * C] = 0;
    expect(decodeMembers(at(4, unsure), C, 'grammar')).toEqual([seven]);
    for (const decoder of ['grammar', 'beam', 'greedy'] as const) {
      expect(decodeMembers(at(4, unsure), C, decoder)).toEqual([seven]);
      // whichever member comes first: the judging, not the order, decides
      expect(decodeMembers(at(4, sure, unsure), C, decoder)).toEqual([one]);
      expect(decodeMembers(at(4, unsure, sure), C, decoder)).toEqual([one]);
    }
  });
});

describe('decodeMembers with outputs of different lengths (speed views)', () => {
  it('judges each output over its own steps', () => {
    // The same words read at two speeds: the slower view has more steps. Each alone is unsure, together sure.
    const fast = frames([0, five, 0, 0, 0, 0]);
    const slow = frames([0, 0, 0, 0, 0, 0, five, 0]); // its word after the faster view's last step: all 8 steps count
    fast[1 * C + seven] = 4.9;
    slow[6 * C + one] = 4.9;
    const outputs = [{ logits: fast, steps: 6 }, { logits: slow, steps: 8 }];
    for (const decoder of ['grammar', 'beam', 'greedy'] as const) {
      expect(decodeMembers(outputs, C, decoder)).toEqual([five]);
      expect(decodeMembers([...outputs].reverse(), C, decoder)).toEqual([five]);
    }
    // the summed likelihood, each over its own length
    const candidates = [[five], [seven], [one], []];
    const scores = candidates.map((labels) => ctcLogLikelihood(fast, 6, C, labels) + ctcLogLikelihood(slow, 8, C, labels));
    expect(likeliest(candidates, outputs, C)).toEqual(candidates[scores.indexOf(Math.max(...scores))]);
  });
});

describe('likeliest (each model normalised once, for all the candidates)', () => {
  const rng = new Rng(11);
  const clips = Array.from({ length: 12 }, (_, i) => {
    const T = 1 + rng.int(30);
    return { T, members: Array.from({ length: 1 + (i % 4) }, () => Float32Array.from({ length: T * C }, () => 4 * rng.normal())) };
  });

  it('scores a candidate exactly as the CTC loss does from the logits', () => {
    for (const { T, members: [logits] } of clips) {
      const logProbs = ctcLogProbs(logits, T, C);
      for (const labels of [...grammarCandidates(logits, T, C), [one, one], [five, seven, five]]) {
        const loss = ctc().compute({ data: logits, batch: 1, time: T, features: C }, { data: Float32Array.from(labels.length ? labels : [-1]), batch: 1, time: Math.max(1, labels.length), features: 1 }, Int32Array.from([T]));
        const expected = loss.count === 1 ? -loss.loss : -Infinity;
        expect(ctcLogLikelihoodOfLogProbs(logProbs, T, C, labels)).toBe(expected);
        expect(ctcLogLikelihood(logits, T, C, labels)).toBe(expected);
      }
    }
  });

  it("picks what summing each candidate's ctcLogLikelihood over the members picks, on random logits", () => {
    for (const { T, members } of clips) {
      const candidates = [...new Map(members.flatMap((m) => grammarCandidates(m, T, C)).map((p) => [p.join(','), p])).values()];
      const scores = candidates.map((labels) => members.reduce((a, m) => a + ctcLogLikelihood(m, T, C, labels), 0));
      expect(likeliest(candidates, at(T, ...members), C)).toEqual(candidates[scores.indexOf(Math.max(...scores))]);
    }
  });
});
