import { ShapeError } from '../src/core/seq';
import { seasonalNaive, seasonalNaiveWithDrift } from '../src/forecast/baselines';
import { monthlySeries } from '../src/forecast/calendar';
import { rollingOrigin } from '../src/forecast/evaluate';
import { WindowForecaster } from '../src/forecast/forecaster';
import { mae, mape, rmse, smape } from '../src/forecast/metrics';
import { minMaxScaler, standardScaler } from '../src/forecast/scalers';
import { anchoredScale, makeWindows } from '../src/forecast/windows';

describe('forecast metrics', () => {
  it('computes known values', () => {
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(mae([1, 2, 3], [2, 2, 1])).toBeCloseTo(1, 12);
    expect(mape([100, 200], [110, 180])).toBeCloseTo(10, 12);
    expect(smape([100, 0], [100, 0])).toBe(0);
  });
  it('names the problem with bad input', () => {
    expect(() => rmse([1, 2], [1])).toThrow(/2 actual values but 1 forecasts/);
    expect(() => mae([1, NaN], [1, 1])).toThrow(/non-finite value at index 1/);
    expect(() => mape([0, 1], [1, 1])).toThrow(/actual value at index 0 is 0/);
    expect(() => rmse([], [])).toThrow(ShapeError);
  });
});

describe('baselines', () => {
  // Period 4, level rising by 10 each period.
  const history = [1, 5, 3, 2, 11, 15, 13, 12, 21, 25, 23, 22];
  it('seasonal naive repeats the last period', () => {
    expect(Array.from(seasonalNaive(history, 4, 6))).toEqual([21, 25, 23, 22, 21, 25]);
  });
  it('seasonal naive with drift adds the mean change per period', () => {
    expect(Array.from(seasonalNaiveWithDrift(history, 4, 6))).toEqual([31, 35, 33, 32, 41, 45]);
  });
  it('needs enough history', () => {
    expect(() => seasonalNaive([1, 2], 4, 1)).toThrow(/at least one full period/);
    expect(() => seasonalNaiveWithDrift([1, 2, 3, 4, 5], 4, 1)).toThrow(/two periods/);
    expect(() => seasonalNaive(history, 0, 1)).toThrow(/period/);
  });
});

describe('scalers', () => {
  it('standard and min-max scalers invert exactly and fit on training data only', () => {
    const train = [2, 4, 6, 8];
    const s = standardScaler(train);
    const z = s.transform(train);
    expect(z.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 12);
    expect(Array.from(s.inverse(s.transform([10, -3])))).toEqual([10, -3].map((v) => expect.closeTo(v, 12)));
    const m = minMaxScaler(train);
    expect(Array.from(m.transform([2, 8, 14]))).toEqual([0, 1, 2]);
  });
  it('refuses constant or missing data', () => {
    expect(() => standardScaler([3, 3, 3])).toThrow(/constant/);
    expect(() => minMaxScaler([1, NaN])).toThrow(/index 1 is NaN/);
  });
});

describe('windows', () => {
  const series = Array.from({ length: 20 }, (_, t) => t * t);
  it('anchors inputs and targets to the last input value', () => {
    const w = makeWindows(series, { inputLength: 3, horizon: 2 }, 1);
    expect(w.x.batch).toBe(16);
    expect(w.origins[0]).toBe(3);
    expect(Array.from(w.x.data.subarray(0, 3))).toEqual([0 - 4, 1 - 4, 0]);
    expect(Array.from(w.y.data.subarray(0, 2))).toEqual([9 - 4, 16 - 4]);
  });
  it('adds the seasonal phase as sin/cos features', () => {
    const w = makeWindows(series, { inputLength: 4, horizon: 1, period: 4, phaseOffset: 1 }, 2);
    expect(w.x.features).toBe(3);
    expect(w.x.data[1]).toBeCloseTo(Math.sin((2 * Math.PI * 1) / 4), 6);
    expect(w.x.data[2]).toBeCloseTo(Math.cos((2 * Math.PI * 1) / 4), 6);
    expect(w.x.data[3]).toBeCloseTo((1 - 9) / 2, 6);
  });
  it('rejects short or gappy series', () => {
    expect(() => makeWindows([1, 2, 3], { inputLength: 3, horizon: 1 }, 1)).toThrow(/too short/);
    expect(() => makeWindows([1, 2, NaN, 4, 5], { inputLength: 2, horizon: 1 }, 1)).toThrow(/index 2 is NaN/);
    expect(() => anchoredScale([5, 5, 5, 5], { inputLength: 2, horizon: 1 })).toThrow(/scale 0/);
  });
});

describe('monthly series and rolling origins', () => {
  it('fills missing months by linear interpolation', () => {
    const m = monthlySeries(['1958-11-01', '1959-02-01', '1959-03-01'], [10, 40, 50]);
    expect(m.start).toBe('1958-11');
    expect(Array.from(m.values)).toEqual([10, 20, 30, 40, 50]);
    expect(m.filled).toEqual([1, 2]);
    expect(() => monthlySeries(['2000-02', '2000-01'], [1, 2])).toThrow(/must increase/);
  });
  it('forecasts from every origin with only the past', () => {
    const series = [1, 2, 3, 4, 5, 6, 7];
    const seen: number[] = [];
    const r = rollingOrigin(series, { start: 4, horizon: 2 }, (h, n) => {
      seen.push(h.length);
      return Array(n).fill(h[h.length - 1]);
    });
    expect(seen).toEqual([4, 5]);
    expect(Array.from(r.actual)).toEqual([5, 6, 6, 7]);
    expect(Array.from(r.forecast)).toEqual([4, 4, 5, 5]);
  });
});

describe('recurrent window forecaster', () => {
  it('beats seasonal naive on a trending seasonal series with noise', () => {
    let seed = 1;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.6;
    const series = Array.from({ length: 240 }, (_, t) => 0.05 * t + Math.sin((2 * Math.PI * t) / 12) + noise());
    const train = series.slice(0, 216);
    const test = series.slice(216);
    const f = new WindowForecaster({ inputLength: 24, horizon: 24, period: 12, cell: 'gru', hiddenSize: 16, seed: 1 });
    const h = f.fit(train, { epochs: 40, batchSize: 16, lr: 1e-2, log: false });
    expect(h.loss[h.loss.length - 1]).toBeLessThan(h.loss[0]);
    const model = rmse(test, f.forecast(train));
    expect(model).toBeLessThan(rmse(test, seasonalNaive(train, 12, 24)));
    expect(() => f.forecast(train.slice(0, 5))).toThrow(/at least 24 past values/);
  }, 60000);
});
