import * as path from 'path';
import { Rng } from '../src/core/rng';
import { peakAbs } from '../src/speech/augment';
import { drawVocoderAlpha, generateCorpus, loadCorpus, saveCorpus, VOCODER_ALPHA_RANGE } from '../src/speech/corpus';
import { tempDir } from './helpers/temp-dir';
import { ANALYSIS_ALPHA, sptk, vocode } from '../src/speech/vocoder';

// A vowel: a 120 Hz pulse train through resonators at 700, 1200 and 2500 Hz (a formant synthesiser's /a/).
const RATE = 16000;
const F0 = 120;
function vowel(seconds: number): Float32Array {
  let x = Float32Array.from({ length: seconds * RATE }, (_, i) => (i % Math.round(RATE / F0) === 0 ? 1 : 0));
  for (const [f, bandwidth] of [[700, 90], [1200, 110], [2500, 170]]) {
    const r = Math.exp((-Math.PI * bandwidth) / RATE);
    const [a1, a2] = [2 * r * Math.cos((2 * Math.PI * f) / RATE), -r * r];
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + a1 * (i > 0 ? y[i - 1] : 0) + a2 * (i > 1 ? y[i - 2] : 0);
    x = y;
  }
  const peak = x.reduce((p, v) => Math.max(p, Math.abs(v)), 0);
  return x.map((v) => (0.5 * v) / peak);
}

/** Power at DFT bins `from`..`to` (Hann window) of `n` samples from `start`, bins of RATE / n Hz. */
function powerSpectrum(x: Float32Array, start: number, n: number, from: number, to: number): Float64Array {
  const p = new Float64Array(to + 1);
  for (let k = from; k <= to; k++) {
    let [re, im] = [0, 0];
    for (let i = 0; i < n; i++) {
      const v = x[start + i] * 0.5 * (1 - Math.cos((2 * Math.PI * i) / n));
      re += v * Math.cos((2 * Math.PI * k * i) / n);
      im -= v * Math.sin((2 * Math.PI * k * i) / n);
    }
    p[k] = re * re + im * im;
  }
  return p;
}

/** Power-weighted mean frequency over 200–3500 Hz, over four frames in the middle of the clip. */
function centroidHz(x: Float32Array): number {
  const n = 1024;
  let [num, den] = [0, 0];
  for (let frame = 0; frame < 4; frame++) {
    const [from, to] = [Math.ceil((200 * n) / RATE), Math.floor((3500 * n) / RATE)];
    const p = powerSpectrum(x, Math.round(x.length / 4) + frame * n, n, from, to);
    for (let k = from; k <= to; k++) {
      num += p[k] * ((k * RATE) / n);
      den += p[k];
    }
  }
  return num / den;
}

/** The period of the strongest autocorrelation peak between 2.5 and 12.5 ms, in Hz. */
function f0Hz(x: Float32Array): number {
  const seg = x.subarray(Math.round(x.length / 4), Math.round((3 * x.length) / 4));
  let [best, bestLag] = [-Infinity, 0];
  for (let lag = RATE / 400; lag <= RATE / 80; lag++) {
    let s = 0;
    for (let i = 0; i + lag < seg.length; i++) s += seg[i] * seg[i + lag];
    if (s > best) [best, bestLag] = [s, lag];
  }
  return RATE / bestLag;
}

describe('the vocoder (SPTK: mel-cepstral analysis, SWIPE\' pitch, MLSA synthesis)', () => {
  const x = vowel(0.6);

  it('resynthesises with the length and peak kept, the pitch kept, the formants where they were', () => {
    const y = vocode(x);
    expect(y.length).toBe(x.length);
    expect(peakAbs(y)).toBeCloseTo(peakAbs(x), 5);
    expect(Math.abs(f0Hz(y) - F0)).toBeLessThan(F0 * 0.03);
    expect(centroidHz(y) / centroidHz(x)).toBeGreaterThan(0.93);
    expect(centroidHz(y) / centroidHz(x)).toBeLessThan(1.07);
  });

  it('another synthesis all-pass constant moves the formants (0.36 up, 0.48 down) and keeps the pitch', () => {
    const same = centroidHz(vocode(x, ANALYSIS_ALPHA));
    const higher = vocode(x, 0.36);
    const lower = vocode(x, 0.48);
    expect(centroidHz(higher) / same).toBeGreaterThan(1.04);
    expect(centroidHz(higher) / same).toBeLessThan(1.2);
    expect(centroidHz(lower) / same).toBeLessThan(0.96);
    expect(centroidHz(lower) / same).toBeGreaterThan(0.8);
    for (const y of [higher, lower]) expect(Math.abs(f0Hz(y) - F0)).toBeLessThan(F0 * 0.03);
  });

  it('refuses a command this SPTK lacks (its front end says so on stdout with status 0) instead of reading that text as samples', () => {
    expect(() => sptk('nosuchtool', [], Buffer.alloc(0))).toThrow('this SPTK has no nosuchtool command (the vocoder is written for SPTK 3, Debian\'s sptk package)');
    expect(sptk('x2x', ['+af'], Buffer.from('1 2\n')).length).toBe(8);
  });

  it('gives silence for silence and refuses an all-pass constant outside (-1, 1)', () => {
    expect(vocode(new Float32Array(4000))).toEqual(new Float32Array(4000));
    expect(() => vocode(x, 1)).toThrow(/all-pass constant must lie in \(-1, 1\), got 1/);
    expect(() => vocode(x, NaN)).toThrow(/all-pass constant/);
  });
});

describe('training utterances through the vocoder (drawVocoderAlpha; speech:corpus --vocoded)', () => {
  const dir = tempDir('rnnkit-vocoded-');

  it('the share asked for, with the formants moved both ways', () => {
    const rng = new Rng(5);
    const alphas = Array.from({ length: 400 }, () => drawVocoderAlpha(rng, 0.25)).filter((a): a is number => a !== undefined);
    expect(alphas.length / 400).toBeGreaterThan(0.25 - 0.06);
    expect(alphas.length / 400).toBeLessThan(0.25 + 0.06);
    expect(Math.min(...alphas)).toBeGreaterThanOrEqual(VOCODER_ALPHA_RANGE[0]);
    expect(Math.max(...alphas)).toBeLessThanOrEqual(VOCODER_ALPHA_RANGE[1]);
    expect(VOCODER_ALPHA_RANGE[0]).toBeLessThan(ANALYSIS_ALPHA);
    expect(VOCODER_ALPHA_RANGE[1]).toBeGreaterThan(ANALYSIS_ALPHA);
    expect(alphas.filter((a) => a < ANALYSIS_ALPHA).length).toBeGreaterThan(alphas.length / 4);
    expect(alphas.filter((a) => a > ANALYSIS_ALPHA).length).toBeGreaterThan(alphas.length / 4);
  });

  it('at share 0 (the shipped recipe) draws nothing, so the corpus keeps its random sequence; a share outside [0, 1] is refused', () => {
    const rng = new Rng(9);
    const before = rng.getState();
    expect(drawVocoderAlpha(rng, 0)).toBeUndefined();
    expect(rng.getState()).toEqual(before);
    expect(() => drawVocoderAlpha(rng, 1.5)).toThrow('the share of vocoded utterances lies in [0, 1], not 1.5');
  });

  it('a training corpus records its vocoded share in the manifest (none when there is none); other corpora take none', async () => {
    const voices = [{ engine: 'espeak-ng', voice: 'en-us' }] as const;
    for (const vocodedRate of [0, 1]) {
      const corpus = await generateCorpus({ count: 2, seed: 3, voices, mode: 'train', vocodedRate });
      const base = path.join(dir, `train-${vocodedRate}`);
      saveCorpus(corpus, base);
      expect(loadCorpus(base).vocodedRate).toBe(vocodedRate === 0 ? undefined : vocodedRate);
    }
    await expect(generateCorpus({ count: 2, seed: 3, voices, mode: 'one-condition', vocodedRate: 0.5 })).rejects.toThrow('vocodedRate changes training utterances only');
  }, 60000);
});
