import * as fs from 'fs';
import * as path from 'path';
import FFT = require('fft.js');
import { dereverberate, solveComplex, solveHermitian, WPE, WPE_BLOCK_SAMPLES, type WpeSettings } from '../src/audio/dereverb';
import { analysisBand, FRONT_END_WPE, heardSignal, speechFeatures, WPE_SLOWEST_VIEW } from '../src/audio/mfcc';
import { VIEW_SPEED_RANGE } from '../src/speech/speed-views';
import { resample } from '../src/audio/resample';
import { readWav, toMono } from '../src/audio/wav';
import { Rng } from '../src/core/rng';
import { roomImpulseReverb } from '../src/speech/channel';
import { maxAbsDiff } from './helpers/compare';

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('WPE against numpy', () => {
  // test/fixtures/wpe/*.json come from scripts/make-wpe-fixtures.py (vectorised numpy, float64):
  // 0.6 s of a speech-like 8 kHz signal through a synthetic room (RT60 0.6 s), and the same signal dry, with WPE's
  // settings; the same made at 16 kHz, with the speech front end's (its lowest 161 bins filtered, the rest passed).
  const f32 = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const cases: [string, WpeSettings][] = [['reverberant', WPE], ['dry', WPE], ['reverberant-16k', FRONT_END_WPE], ['dry-16k', FRONT_END_WPE]];
  for (const [name, expected] of cases) {
    it(`matches on the ${name} signal to 1e-5 of its peak`, () => {
      const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'wpe', `${name}.json`), 'utf8'));
      const settings: WpeSettings = fx.settings;
      expect(settings).toEqual(expected);
      const input = f32(fx.input);
      const reference = f32(fx.output);
      const ours = dereverberate(input, settings);
      expect(ours.length).toBe(input.length);
      // Measured: no difference beyond float32 rounding (the fixture's float32 values come out identical;
      // against numpy's float64 output the worst sample is 1.4e-8, 3e-8 of the peak).
      expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-5 * maxAbs(reference));
      // The filter acts on both (a pass-through would not match numpy's output either; the recorded-clip test below
      // checks that it brings reverberant speech closer to the dry speech and leaves dry speech nearly as it was).
      expect(maxAbsDiff(ours, input)).toBeGreaterThan(1e-3);
    });
  }
});

describe('dereverberate', () => {
  const noise = (n: number, seed: number) => {
    const rng = new Rng(seed);
    return Float32Array.from({ length: n }, () => 0.1 * rng.normal());
  };

  it('with no passes gives the input back (the STFT and its overlap-add invert each other)', () => {
    const x = noise(3001, 1);
    const y = dereverberate(x, { ...WPE, iterations: 0 });
    expect(y.length).toBe(x.length);
    expect(maxAbsDiff(y, x)).toBeLessThan(1e-6);
  });

  it('dereverberates a signal longer than a block as its blocks, each on its own', () => {
    const x = noise(WPE_BLOCK_SAMPLES + 5000, 2);
    const y = dereverberate(x);
    expect(y.length).toBe(x.length);
    const first = dereverberate(x.slice(0, WPE_BLOCK_SAMPLES));
    const rest = dereverberate(x.slice(WPE_BLOCK_SAMPLES));
    expect(y.subarray(0, WPE_BLOCK_SAMPLES)).toEqual(first);
    expect(y.subarray(WPE_BLOCK_SAMPLES)).toEqual(rest);
  });

  it('refuses settings it cannot work with, naming them', () => {
    const x = noise(1000, 3);
    expect(() => dereverberate(x, { ...WPE, fftSize: 200 })).toThrow('fftSize must be a power of 2 from 4, not 200');
    expect(() => dereverberate(x, { ...WPE, hop: 200 })).toThrow('hop must be a whole number from 1 to fftSize/2 (128), not 200');
    expect(() => dereverberate(x, { ...WPE, delay: 0 })).toThrow('delay must be a whole number of frames from 1, not 0');
    expect(() => dereverberate(x, { ...WPE, taps: 2.5 })).toThrow('taps must be a whole number from 1, not 2.5');
    expect(() => dereverberate(x, { ...WPE, iterations: -1 })).toThrow('iterations must be a whole number from 0, not -1');
    expect(() => dereverberate(x, { ...WPE, bins: 0 })).toThrow('bins must be a whole number from 1 to fftSize/2 + 1 (129), not 0');
    expect(() => dereverberate(x, { ...WPE, bins: 130 })).toThrow('bins must be a whole number from 1 to fftSize/2 + 1 (129), not 130');
  });

  it('dereverberates only the lowest `bins` frequency bins when asked; the others pass unchanged', () => {
    // A steady tone is all predictable from the frames before it: WPE takes most of it away, as a reverberant tail.
    const tone = Float32Array.from({ length: 8000 }, (_, n) => 0.5 * Math.sin((2 * Math.PI * 3000 * n) / 8000));
    const middle = (y: Float32Array) => y.subarray(2000, 6000);
    expect(maxAbs(middle(dereverberate(tone)))).toBeLessThan(0.1);
    // With only the bins below 1.5 kHz dereverberated, the 3 kHz tone passes (its leakage into those bins is tiny),
    // and a 1 kHz one is taken away as before.
    expect(maxAbsDiff(dereverberate(tone, { ...WPE, bins: 48 }), tone)).toBeLessThan(1e-3);
    const low = Float32Array.from({ length: 8000 }, (_, n) => 0.5 * Math.sin((2 * Math.PI * 1000 * n) / 8000));
    expect(maxAbs(middle(dereverberate(low, { ...WPE, bins: 48 })))).toBeLessThan(0.1);
    // Every bin is the default.
    const x = noise(3001, 4);
    expect(dereverberate(x, { ...WPE, bins: WPE.fftSize / 2 + 1 })).toEqual(dereverberate(x));
  });

  it('solves its Hermitian systems through a Cholesky factor as the pivoting real solver does', () => {
    const rng = new Rng(9);
    for (const K of [1, 3, 10]) {
      // R = A·Aᴴ + a little on the diagonal, as WPE's weighted correlations with their loading.
      const Are = Float64Array.from({ length: K * K }, () => rng.normal());
      const Aim = Float64Array.from({ length: K * K }, () => rng.normal());
      const Rre = new Float64Array(K * K);
      const Rim = new Float64Array(K * K);
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < K; j++) {
          for (let k = 0; k < K; k++) {
            Rre[i * K + j] += Are[i * K + k] * Are[j * K + k] + Aim[i * K + k] * Aim[j * K + k];
            Rim[i * K + j] += Aim[i * K + k] * Are[j * K + k] - Are[i * K + k] * Aim[j * K + k];
          }
        }
        Rre[i * K + i] += 1e-3;
      }
      const pre = Float64Array.from({ length: K }, () => rng.normal());
      const pim = Float64Array.from({ length: K }, () => rng.normal());
      const chol = solveHermitian(K, Rre, Rim, pre, pim)!;
      const pivoted = solveComplex(K, Rre, Rim, pre, pim);
      const scale = maxAbs(pivoted.re) + maxAbs(pivoted.im);
      expect(maxAbsDiff(chol.re, pivoted.re)).toBeLessThan(1e-9 * scale);
      expect(maxAbsDiff(chol.im, pivoted.im)).toBeLessThan(1e-9 * scale);
    }
    // not positive definite: no factor, and dereverberate falls back to the pivoting solver
    expect(solveHermitian(2, Float64Array.from([1, 2, 2, 1]), new Float64Array(4), new Float64Array(2), new Float64Array(2))).toBeUndefined();
  });

  it('keeps silence silent and an empty signal empty', () => {
    const y = dereverberate(new Float32Array(2000));
    expect(y.length).toBe(2000);
    expect(y.every((v) => v === 0)).toBe(true);
    expect(dereverberate(new Float32Array(0))).toEqual(new Float32Array(0));
  });
});

describe('WPE on a recorded clip', () => {
  /** Mean |dB| difference of Hann-windowed STFT magnitudes (256, hop 128) from the reference's, both floored at 60 dB below its peak. */
  function logSpectralDistance(x: Float32Array, reference: Float32Array): number {
    const size = 256;
    const fft = new FFT(size);
    const window = Float64Array.from({ length: size }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size));
    const magnitudes = (s: Float32Array) => {
      const out = fft.createComplexArray() as number[];
      const frame = new Float64Array(size);
      const frames: Float64Array[] = [];
      for (let at = 0; at + size <= s.length; at += size / 2) {
        for (let n = 0; n < size; n++) frame[n] = s[at + n] * window[n];
        fft.realTransform(out, frame);
        frames.push(Float64Array.from({ length: size / 2 + 1 }, (_, f) => Math.hypot(out[2 * f], out[2 * f + 1])));
      }
      return frames;
    };
    const a = magnitudes(x);
    const r = magnitudes(reference);
    const floor = 1e-3 * Math.max(...r.map(maxAbs));
    let sum = 0;
    let count = 0;
    for (let t = 0; t < r.length; t++) {
      for (let f = 0; f < r[t].length; f++) {
        sum += Math.abs(20 * Math.log10(Math.max(a[t][f], floor) / Math.max(r[t][f], floor)));
        count++;
      }
    }
    return sum / count;
  }

  const audio = readWav(path.join(__dirname, '..', 'audio', 'digits-427.wav'));
  const dry16 = resample(toMono(audio), audio.sampleRate, 16000);
  const dry = analysisBand(dry16);
  const wet = analysisBand(roomImpulseReverb(dry16, 0.6, 0, new Rng(3)));

  it('brings a reverberant clip closer to the dry one (RT60 0.6 s, 0 dB direct-to-reverberant: 5.36 dB -> 4.89 dB)', () => {
    expect(wet.length).toBe(dry.length);
    const before = logSpectralDistance(wet, dry);
    const after = logSpectralDistance(dereverberate(wet), dry);
    expect(before).toBeGreaterThan(4.5);
    expect(after).toBeLessThan(before - 0.3);
  });

  it('changes the dry clip little (0.24 dB)', () => {
    expect(logSpectralDistance(dereverberate(dry), dry)).toBeLessThan(0.5);
  });

  it('as the front end runs it (on the 16 kHz clip, 0–5 kHz, before the band is taken), brings the band of the reverberant clip closer to the dry one (5.36 dB -> 4.88 dB) and changes the dry one little (0.24 dB)', () => {
    const wet16 = roomImpulseReverb(dry16, 0.6, 0, new Rng(3));
    expect(logSpectralDistance(wet, dry)).toBeCloseTo(5.36, 1);
    expect(logSpectralDistance(analysisBand(heardSignal(wet16, true)), dry)).toBeCloseTo(4.88, 1);
    expect(logSpectralDistance(analysisBand(heardSignal(dry16, true)), dry)).toBeCloseTo(0.24, 1);
    expect(heardSignal(wet16, false)).toBe(wet16);
  });

  it('dereverberates all of the clip that the slowest speed view reads (a 5 kHz tone comes through 77 dB down, 4.4 kHz 3 dB), and refuses slower views', () => {
    expect(WPE_SLOWEST_VIEW).toBe(VIEW_SPEED_RANGE.min);
    const through = (hz: number) => maxAbs(analysisBand(Float32Array.from({ length: 32000 }, (_, n) => Math.sin((2 * Math.PI * hz * n) / 16000)), WPE_SLOWEST_VIEW).subarray(2000, 12000));
    const top = ((FRONT_END_WPE.bins! - 1) * 16000) / FRONT_END_WPE.fftSize;
    expect(top).toBe(5000);
    expect(through(top)).toBeLessThan(2e-4);
    expect(through(4400)).toBeGreaterThan(0.6);
    expect(() => speechFeatures(dry16, { dereverberate: true, speed: 0.8 })).toThrow('a view read at speed 0.8 reads more of the clip than WPE dereverberates (views from 0.85 on)');
    expect(speechFeatures(dry16, { speed: 0.8 }).frames).toBeGreaterThan(0);
  });
});
