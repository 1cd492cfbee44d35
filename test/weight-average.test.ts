import { makeParam } from '../src/core/param';
import { WeightAverage } from '../src/optim/weight-average';

describe('WeightAverage (exponential moving average of the parameters)', () => {
  const make = () => {
    const p = makeParam('w', [2], 'float64');
    p.value.set([1, -2]);
    return p;
  };
  it('follows min(decay, (1 + n) / (10 + n)) step by step', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.5);
    let expected = [1, -2];
    for (let n = 0; n < 6; n++) {
      p.value.set([n + 2, 3 * n]);
      avg.update([p]);
      const d = Math.min(0.5, (1 + n) / (10 + n));
      expected = expected.map((e, i) => d * e + (1 - d) * p.value[i]);
      expect(Array.from(avg.values[0])).toEqual(expected);
    }
    expect(avg.updates).toBe(6);
  });
  it('stays put while the parameters do', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.999);
    for (let n = 0; n < 50; n++) avg.update([p]);
    expect(Array.from(avg.values[0])).toEqual([1, -2]);
  });
  it('applies the average and restores the trained values', () => {
    const p = make();
    const avg = new WeightAverage([p], 0.9);
    p.value.set([5, 5]);
    avg.update([p]);
    const averaged = Array.from(avg.values[0]);
    avg.apply([p]);
    expect(Array.from(p.value)).toEqual(averaged);
    expect(() => avg.apply([p])).toThrow(/apply\(\) called twice/);
    avg.restore([p]);
    expect(Array.from(p.value)).toEqual([5, 5]);
    expect(() => avg.restore([p])).toThrow(/without apply/);
  });
  it('refuses another decay range or other parameters', () => {
    expect(() => new WeightAverage([make()], 1)).toThrow(/decay must be in \(0, 1\), got 1/);
    const avg = new WeightAverage([make()], 0.9);
    expect(() => avg.update([make(), make()])).toThrow(/parameters differ/);
  });
});
