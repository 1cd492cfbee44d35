import * as fs from 'fs';
import * as path from 'path';
import { highpass } from '../src/audio/biquad';
import { detectSpeech } from '../src/audio/vad';
import { decodeWav } from '../src/audio/wav';
import { Rng } from '../src/core/rng';
import { click } from '../src/speech/augment';
import { onsetErrors } from '../src/speech/metrics';
import { speechStart, toMono16k, Transcriber } from '../src/speech/transcriber';
import { SAMPLE_AUDIO, sampleClips } from './helpers/sample-clips';

const RATE = 16000;

/** `seconds` of -70 dBFS white noise with a tone ("speech", 1 kHz at 0.03 unless told) from `start` to `end`, plus `add(i)` per sample. */
function scene(seconds: number, start: number, end: number, add: (i: number) => number = () => 0, tone = { hz: 1000, amplitude: 0.03 }): Float32Array {
  const rng = new Rng(3);
  return Float32Array.from({ length: seconds * RATE }, (_, i) =>
    0.0003 * rng.normal() + (i >= start * RATE && i < end * RATE ? tone.amplitude * Math.sin((2 * Math.PI * tone.hz * i) / RATE) : 0) + add(i));
}

function withClick(x: Float32Array, at: number, level: number): Float32Array {
  const y = Float32Array.from(x);
  click(level).forEach((v, i) => (y[at + i] += v));
  return y;
}

/** A start in seconds, to the 0.1 s (the detector's frames are 25 ms long, 10 ms apart). */
const seconds = (start: number | undefined) => start !== undefined && +(start / RATE).toFixed(1);

function lead(x: Float32Array, seconds: number): Float32Array {
  const y = new Float32Array(Math.round(seconds * RATE) + x.length);
  y.set(x, Math.round(seconds * RATE));
  return y;
}

describe('the transcriber drops a lead-in before the speech', () => {
  it('speechStart: 0.4 s before the first stretch of speech, when that drops 0.3 s or more', () => {
    expect(seconds(speechStart(scene(4, 2, 2.5)))).toBe(1.6);
    expect(seconds(speechStart(scene(6, 1, 1.5, (i) => (i >= 4 * RATE && i < 4.4 * RATE ? 0.03 * Math.sin(i) : 0))))).toBe(0.6);
    expect(speechStart(scene(2, 0.6, 1.2))).toBe(0); // it would drop 0.2 s
    expect(speechStart(scene(1, 0.2, 0.75))).toBe(0);
  });

  it('speechStart: a burst of 50 ms is speech to it (not to the no-speech gate, which wants 0.1 s)', () => {
    const burst = (i: number) => (i >= 1.5 * RATE && i < 1.56 * RATE ? 0.03 * Math.sin(i) : 0);
    expect(seconds(speechStart(scene(4, 2.5, 3, burst)))).toBe(1.1);
    expect(speechStart(scene(4, 0, 0, burst))).toBeUndefined();
  });

  it('speechStart: no speech in silence, steady noise or a tone', () => {
    expect(speechStart(new Float32Array(RATE))).toBeUndefined();
    expect(speechStart(scene(2, 0, 0))).toBeUndefined();
    expect(speechStart(scene(2, 0, 2))).toBeUndefined();
  });

  it('speechStart: a click far from the speech is not speech (a burst under 50 ms)', () => {
    expect(seconds(speechStart(withClick(scene(4, 2, 2.5), 0.5 * RATE, 0.03)))).toBe(1.6);
  });

  it('speechStart sees through a DC offset and mains hum, which the model never hears (high-passed at 250 Hz)', () => {
    const dc = scene(4, 2, 2.5, () => 0.1);
    const hum = scene(4, 2, 2.5, (i) => 0.1 * Math.sin((2 * Math.PI * 60 * i) / RATE));
    for (const x of [dc, hum]) {
      expect(detectSpeech(x, RATE, { thresholdDb: 6 })).toEqual([]); // on the full band, the offset or the hum is the noise floor
      expect(seconds(speechStart(x))).toBe(1.6);
    }
  });

  it('speechStart: speech below the high-passed band (strong low harmonics in white noise) still counts', () => {
    const low = scene(4, 2, 2.5, () => 0, { hz: 150, amplitude: 0.0015 });
    expect(detectSpeech(highpass(low, 250, RATE), RATE, { thresholdDb: 6 })).toEqual([]);
    expect(seconds(speechStart(low))).toBe(1.6);
  });
});

describe('onset insertions with the shipped model', () => {
  let transcriber: Transcriber;
  beforeAll(async () => {
    transcriber = await Transcriber.load();
  });
  afterAll(() => transcriber.release());

  const clip = (file: string) => toMono16k(decodeWav(fs.readFileSync(path.join(SAMPLE_AUDIO, file))));
  const peak = (x: Float32Array) => x.reduce((p, v) => Math.max(p, Math.abs(v)), 0);

  // Without the cut: "nine nine oh one five", "six oh", "seven oh oh".
  it.each([
    ['digits-9015.wav', 'a click 0.5 s into a 1 s lead-in', (x: Float32Array) => withClick(lead(x, 1), 0.5 * RATE, 0.5 * peak(x))],
    ['command-stop.wav', 'a click 0.5 s into a 1 s lead-in', (x: Float32Array) => withClick(lead(x, 1), 0.5 * RATE, 0.5 * peak(x))],
    ['command-stop.wav', '4 s of silence before it', (x: Float32Array) => lead(x, 4)],
  ])('%s with %s: transcribed as without', async (file, _what, perturb) => {
    const text = sampleClips.find((c) => c.file === file)!.text;
    expect(await transcriber.transcribe(perturb(clip(file)))).toBe(text);
  });
});

describe('onsetErrors', () => {
  it('counts words inserted before the first reference word apart from other insertions', () => {
    expect(onsetErrors('one two', 'five one two')).toEqual({ errors: 1, words: 2, insertions: 1, onsetInsertions: 1 });
    expect(onsetErrors('one two', 'one five two')).toEqual({ errors: 1, words: 2, insertions: 1, onsetInsertions: 0 });
    expect(onsetErrors('one two', 'one two five')).toEqual({ errors: 1, words: 2, insertions: 1, onsetInsertions: 0 });
    // a repeated word is inserted as late as the alignment allows: not an onset insertion
    expect(onsetErrors('one one', 'one one one')).toEqual({ errors: 1, words: 2, insertions: 1, onsetInsertions: 0 });
    expect(onsetErrors('one', 'five')).toEqual({ errors: 1, words: 1, insertions: 0, onsetInsertions: 0 });
    expect(onsetErrors('one two', '')).toEqual({ errors: 2, words: 2, insertions: 0, onsetInsertions: 0 });
  });
});
