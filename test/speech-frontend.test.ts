import * as fs from 'fs';
import * as path from 'path';
import { addDeltas, analysisBand, cmvn, frameCount, mfcc, MFCC, speechFeatures } from '../src/audio/mfcc';
import { resample } from '../src/audio/resample';
import { readWav, toMono } from '../src/audio/wav';
import { maxAbsDiff } from './helpers/compare';
import { meydaMfcc } from './helpers/meyda-mfcc';
import { SAMPLE_AUDIO, sampleClips } from './helpers/sample-clips';
import { referenceResample } from './helpers/reference-resample';

describe('MFCC (Meyda) against the numpy reference', () => {
  // test/fixtures/mfcc/reference.json comes from scripts/make-mfcc-fixtures.py (numpy, float64).
  const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'mfcc', 'reference.json'), 'utf8'));
  const ours = mfcc(Float32Array.from(fx.signal));

  it('has one frame per 10 ms hop of a 25 ms window', () => {
    expect(ours.frames).toBe(fx.frames);
    expect(frameCount(8000)).toBe(98);
    expect(frameCount(100)).toBe(1);
  });

  it('matches to a relative 1e-4', () => {
    // The one remaining difference: Meyda holds amplitude and power spectra in Float32Array,
    // the reference in float64, which moves coefficients by up to ~2e-5 relative (measured 2.1e-5).
    let worst = 0;
    for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i] - fx.mfcc[i]) / Math.max(1, Math.abs(fx.mfcc[i])));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('mfcc() against Meyda.extract (test/helpers/meyda-mfcc.ts)', () => {
  // mfcc() reproduces Meyda's MFCC arithmetic outside Meyda; the shipped models were trained on
  // Meyda.extract's features, so it must give the same float32 values, bit for bit.
  let seed = 987654321;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const noise = (n: number, level: number) => Float32Array.from({ length: n }, () => level * uniform());
  const same = (signal: Float32Array) => {
    const ours = mfcc(signal);
    const reference = meydaMfcc(signal);
    expect(ours.frames).toBe(reference.frames);
    expect(ours.data).toEqual(reference.data);
  };

  it.each([0, 1e-9, 1e-6, 1e-4, 0.01, 0.3, 1])('random noise at %d of full scale', (level) => {
    same(noise(8000, level));
  });

  it('clipped full-scale noise, sines, and signals shorter than a window', () => {
    same(Float32Array.from(noise(8000, 4), (v) => Math.max(-1, Math.min(1, v))));
    same(Float32Array.from({ length: 8000 }, (_, i) => (i % 40 < 20 ? 1 : -1)));
    for (const hz of [100, 440, 1000, 3999]) same(Float32Array.from({ length: 4000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 8000)));
    same(Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / 7) + 0.1 * Math.sin(i * 1.3) + 0.01 * uniform()));
    for (const n of [0, 1, 150, 200, 279]) same(noise(n, 0.5));
  });

  it('inputs whose spectra overflow float32 or hold NaN (every filter bin counts, as in Meyda)', () => {
    const loud = noise(2000, 0.1);
    loud[1000] = 1e20; // finite amplitudes (~3e24), powers beyond float32
    same(loud);
    const impulse = new Float32Array(2000);
    impulse[700] = Infinity;
    same(impulse);
    const broken = noise(2000, 0.1);
    broken[1200] = NaN;
    same(broken);
  });

  it.each(sampleClips.map((c) => c.file))('the sample clip %s in the analysis band (speeds 1 and 1.1)', (file) => {
    const audio = readWav(path.join(SAMPLE_AUDIO, file));
    const signal16k = resample(toMono(audio), audio.sampleRate, 16000);
    same(analysisBand(signal16k));
    same(analysisBand(signal16k, 1.1));
  });
});

describe('deltas and CMVN', () => {
  it('the delta of a linear ramp is its slope (away from the edges), the delta-delta zero', () => {
    const frames = 10;
    const ramp = Float32Array.from({ length: frames }, (_, f) => 3 * f);
    const out = addDeltas(ramp, frames, 1);
    expect(out[5 * 3 + 1]).toBeCloseTo(3, 6);
    expect(out[5 * 3 + 2]).toBeCloseTo(0, 6);
    expect(out[5 * 3]).toBe(15);
  });

  it('CMVN gives zero mean and unit variance per coefficient, and leaves constant ones at zero', () => {
    const frames = 50;
    const d = 2;
    const data = Float32Array.from({ length: frames * d }, (_, i) => (i % d === 0 ? Math.sin(i) * 5 + 7 : 4));
    cmvn(data, frames, d);
    const col = (k: number) => Array.from({ length: frames }, (_, f) => data[f * d + k]);
    const mean = col(0).reduce((a, b) => a + b) / frames;
    const variance = col(0).reduce((a, b) => a + (b - mean) ** 2, 0) / frames;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 4);
    expect(col(1).every((v) => v === 0)).toBe(true);
  });

  it('the analysis band is 8 kHz audio without content below the high-pass corner', () => {
    const tone = (hz: number) => Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / 16000));
    const rms = (x: Float32Array) => Math.sqrt(x.subarray(800).reduce((s, v) => s + v * v, 0) / (x.length - 800));
    expect(analysisBand(tone(1000)).length).toBe(8000);
    expect(rms(analysisBand(tone(1000)))).toBeGreaterThan(0.69); // passband: 1/√2 kept
    expect(rms(analysisBand(tone(60)))).toBeLessThan(0.005); // mains hum: < -43 dB
    expect(rms(analysisBand(tone(5000)))).toBeLessThan(0.01); // above the 4 kHz band
  });

  it('a speed view reads the clip at 16 kHz × speed: shorter and higher when faster, longer and lower when slower', () => {
    const tone = Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
    // frequency from upward zero crossings over the steady middle
    const hz = (x: Float32Array) => {
      let n = 0;
      for (let i = 1001; i < x.length - 1000; i++) if (x[i - 1] < 0 && x[i] >= 0) n++;
      return (n * 8000) / (x.length - 2001);
    };
    for (const speed of [0.9, 1, 1.1]) {
      const band = analysisBand(tone, speed);
      expect(band.length).toBe(Math.floor(8000 / speed));
      expect(Math.abs(hz(band) - 1000 * speed)).toBeLessThan(5);
    }
    expect(analysisBand(tone, 1)).toEqual(analysisBand(tone));
    expect(speechFeatures(tone, { speed: 1 })).toEqual(speechFeatures(tone));
    expect(speechFeatures(tone, { speed: 1.1 }).frames).toBeLessThan(speechFeatures(tone).frames);
    expect(speechFeatures(tone, { speed: 0.9 }).frames).toBeGreaterThan(speechFeatures(tone).frames);
  });

  it('speechFeatures gives 39 values per frame', () => {
    const sig = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 7) * 0.3);
    const f = speechFeatures(sig);
    expect(f.data.length).toBe(f.frames * 3 * MFCC.coefficients);
    expect(f.data.every(Number.isFinite)).toBe(true);
  });
});

describe('resampling to 16 kHz', () => {
  const tone = (hz: number, rate: number, seconds: number) => Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

  it('keeps a 1 kHz tone (frequency and level) from 44.1 kHz and 8 kHz', () => {
    for (const rate of [44100, 8000]) {
      const out = resample(tone(1000, rate, 0.5), rate, 16000);
      expect(out.length).toBe(8000);
      const mid = out.subarray(1000, 7000);
      const ref = tone(1000, 16000, 0.5).subarray(1000, 7000);
      expect(Math.abs(rms(mid) - Math.SQRT1_2)).toBeLessThan(0.01);
      expect(maxAbsDiff(mid, ref)).toBeLessThan(0.02);
    }
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    const out = resample(tone(10000, 44100, 0.5), 44100, 16000);
    expect(rms(out.subarray(1000, 7000))).toBeLessThan(0.01);
  });
});

describe('resample against the per-tap reference (test/helpers/reference-resample.ts)', () => {
  let seed = 12345;
  const random = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
  const sine = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.7 * Math.sin(i / 3.7) + 0.2 * Math.sin(i * 2.9));
  // Lengths: empty, one sample, shorter than the kernel (±67 input samples at 16 → 8 kHz), and long.
  const lengths = [0, 1, 5, 40, 150, 20011];
  const signals = lengths.flatMap((n) => [random(n), sine(n)]);
  const worst = (a: Float32Array, b: Float32Array) => {
    expect(a.length).toBe(b.length);
    let peak = 0;
    for (let i = 0; i < b.length; i++) peak = Math.max(peak, Math.abs(b[i]));
    return peak === 0 ? maxAbsDiff(a, b) : maxAbsDiff(a, b) / peak;
  };

  it.each([
    [16000, 8000],
    [48000, 16000],
    [8000, 16000],
  ])('%d -> %d (ratio p/q with q a power of two) is bit-identical', (from, to) => {
    for (const x of signals) expect(Array.from(resample(x, from, to))).toEqual(Array.from(referenceResample(x, from, to)));
  });

  it.each([
    [44100, 16000],
    [14400, 8000],
    [17600, 8000],
    [9600, 16000], // upsampling by 5/3 and by 3/2: polyphase tables, q not a power of two
    [16000, 24000],
    [16000 * 1.0371, 16000],
    [16000, 44100],
  ])('%d -> %d stays within 1e-6 of the peak', (from, to) => {
    for (const x of signals) expect(worst(resample(x, from, to), referenceResample(x, from, to))).toBeLessThan(1e-6);
  });

  it('keeps the exact centres and windows of a long signal at 14400 -> 8000 (phase reuse over many periods)', () => {
    const x = random(16000 * 11);
    expect(worst(resample(x, 14400, 8000), referenceResample(x, 14400, 8000))).toBeLessThan(1e-6);
  });
});
