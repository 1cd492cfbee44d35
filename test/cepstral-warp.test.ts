import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../src/core/rng';
import { addDeltas, analysisBand, mfcc, MFCC } from '../src/audio/mfcc';
import { readAudio } from '../src/audio/read-audio';
import { toMono16k } from '../src/speech/transcriber';
import { randomWarp, TYPICAL_FEATURE_STD, warpBatch, warpMatrix } from '../src/speech/cepstral-warp';
import { FEATURE_DIM } from '../src/speech/features';

const BANDS = MFCC.melBands;
const K = MFCC.coefficients;

/** The front end's DCT of a log-mel frame (mfcc.ts: scale 2, the first K kept). */
const cepstra = (logMel: number[]) => Array.from({ length: K }, (_, k) => 2 * logMel.reduce((s, v, j) => s + v * Math.cos((Math.PI / BANDS) * (j + 0.5) * k), 0));
/** The smooth log-mel frame K cepstra describe. */
const logMelOf = (c: ArrayLike<number>) => Array.from({ length: BANDS }, (_, j) => Array.from(c).reduce((s, v, k) => s + (v * Math.cos((Math.PI / BANDS) * (j + 0.5) * k) * (k === 0 ? 1 : 2)) / (2 * BANDS), 0));
const times = (M: Float64Array, c: number[]) => Array.from({ length: K }, (_, a) => c.reduce((s, v, b) => s + M[a * K + b] * v, 0));
const peakBand = (x: number[]) => x.indexOf(Math.max(...x));

describe('cepstral warp (train:speech --warp)', () => {
  it('the identity warp is the identity matrix', () => {
    const M = warpMatrix((u) => u);
    M.forEach((v, i) => expect(Math.abs(v - (Math.floor(i / K) === i % K ? 1 : 0))).toBeLessThan(1e-12));
  });

  it('a positive warp moves a formant down the bands, a negative one up; the ends stay', () => {
    const formant = Array.from({ length: BANDS }, (_, j) => 8 * Math.exp(-(((j - 12) / 2) ** 2)));
    const c = cepstra(formant);
    expect(peakBand(logMelOf(c))).toBe(12);
    const down = logMelOf(times(warpMatrix((u) => u + (0.3 * Math.sin(Math.PI * u)) / Math.PI), c));
    const up = logMelOf(times(warpMatrix((u) => u - (0.3 * Math.sin(Math.PI * u)) / Math.PI), c));
    expect(peakBand(down)).toBeLessThanOrEqual(10);
    expect(peakBand(up)).toBeGreaterThanOrEqual(14);
    const w = randomWarp(new Rng(3), 0.6);
    expect([w(0), w(1)]).toEqual([0, expect.closeTo(1, 12)]);
    for (let u = 0; u < 1; u += 0.01) expect(w(u + 0.01)).toBeGreaterThan(w(u)); // monotone at the largest strength
  });

  it('its typical standard deviations are those of the sample clips before CMVN', async () => {
    const dir = path.join(__dirname, '..', 'audio');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.wav'));
    const sums = new Float64Array(3 * K);
    for (const f of files) {
      const { frames, data } = mfcc(analysisBand(toMono16k(await readAudio(path.join(dir, f))), 1));
      const d = addDeltas(data, frames, K);
      for (let k = 0; k < 3 * K; k++) {
        let m = 0;
        for (let t = 0; t < frames; t++) m += d[t * 3 * K + k];
        m /= frames;
        let v = 0;
        for (let t = 0; t < frames; t++) v += (d[t * 3 * K + k] - m) ** 2;
        sums[k] += v / frames;
      }
    }
    expect(files.length).toBe(7);
    expect(Array.from(sums, (v) => Math.sqrt(v / files.length))).toEqual(TYPICAL_FEATURE_STD);
  });

  it('warps each utterance of a batch: valid steps normalised again, padded steps untouched, two draws each, seeded', () => {
    const [B, T] = [3, 40];
    const lengths = Int32Array.of(40, 25, 31);
    const make = () => {
      const rng = new Rng(8);
      const data = Float32Array.from({ length: B * T * FEATURE_DIM }, () => rng.normal());
      return { x: { data, batch: B, time: T, features: FEATURE_DIM }, lengths };
    };
    const [a, b, before] = [make(), make(), make()];
    const [ra, rb] = [new Rng(5), new Rng(5)];
    warpBatch(a, ra, 0.25);
    warpBatch(b, rb, 0.25);
    expect(a.x.data).toEqual(b.x.data);
    const drawn = new Rng(5);
    for (let i = 0; i < 2 * B; i++) drawn.uniform(0, 1);
    expect(ra.next()).toBe(drawn.next());
    expect(a.x.data).not.toEqual(before.x.data);
    for (let u = 0; u < B; u++) {
      for (const f of [0, 5, 13, 40, 77]) {
        const v = Array.from({ length: lengths[u] }, (_, t) => a.x.data[(u * T + t) * FEATURE_DIM + f]);
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        expect(Math.abs(mean)).toBeLessThan(1e-5);
        expect(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length).toBeCloseTo(1, 4);
      }
      const padded = (x: Float32Array) => x.slice((u * T + lengths[u]) * FEATURE_DIM, (u + 1) * T * FEATURE_DIM);
      expect(padded(a.x.data)).toEqual(padded(before.x.data));
    }
  });

  it('refuses a strength that would fold the warp, or none', () => {
    const batch = { x: { data: new Float32Array(FEATURE_DIM), batch: 1, time: 1, features: FEATURE_DIM }, lengths: Int32Array.of(1) };
    expect(() => warpBatch(batch, new Rng(1), 0.7)).toThrow(/strength lies in \(0, 0\.6\], not 0\.7/);
    expect(() => warpBatch(batch, new Rng(1), 0)).toThrow(/strength/);
  });
});
