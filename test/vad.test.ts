import { detectSpeech, frameEnergiesDb } from '../src/audio/vad';
import { Rng } from '../src/core/rng';

const RATE = 16000;

/** -60 dBFS noise with 300 Hz tone bursts ("speech") at the given [start, end, amplitude] seconds. */
function scene(seconds: number, bursts: [number, number, number?][]): Float32Array {
  const rng = new Rng(11);
  const x = Float32Array.from({ length: seconds * RATE }, () => 0.001 * rng.normal());
  for (const [start, end, amplitude = 0.3] of bursts) {
    for (let i = Math.round(start * RATE); i < end * RATE; i++) x[i] += amplitude * Math.sin((2 * Math.PI * 300 * i) / RATE);
  }
  return x;
}

const rounded = (segments: { start: number; end: number }[]) => segments.map((s) => [+s.start.toFixed(1), +s.end.toFixed(1)]);

describe('energy voice activity detection', () => {
  it('finds bursts at their times; the end includes the 0.1 s hangover', () => {
    const segments = detectSpeech(scene(10, [[1, 2], [4, 6.5], [8, 9]]), RATE);
    expect(segments).toHaveLength(3);
    expect(rounded(segments)).toEqual([[1, 2.1], [4, 6.6], [8, 9.1]]);
  });

  it('bridges pauses shorter than 0.3 s and drops bursts shorter than 0.1 s (clicks)', () => {
    const segments = detectSpeech(scene(6, [[1, 1.5], [1.7, 2.2], [4, 4.03]]), RATE);
    expect(rounded(segments)).toEqual([[1, 2.3]]);
  });

  it('the noise floor follows the background: the same bursts are found under louder noise', () => {
    const quiet = scene(10, [[2, 3], [6, 7]]);
    const rng = new Rng(5);
    const noisy = quiet.map((v) => v + 0.02 * rng.normal()); // -34 dBFS, 20 dB below the bursts
    expect(rounded(detectSpeech(noisy, RATE))).toEqual(rounded(detectSpeech(quiet, RATE)));
  });

  it('cuts speech longer than the maximum at its quietest point', () => {
    // 32 s without a real pause, only dips to a lower level at 11 s and 24 s
    const x = scene(38, [[3, 11, 0.3], [11, 11.2, 0.05], [11.2, 24, 0.3], [24, 24.2, 0.05], [24.2, 35, 0.3]]);
    const segments = detectSpeech(x, RATE, { maxSegmentSeconds: 15 });
    expect(segments).toHaveLength(3);
    expect(segments[0].start).toBeCloseTo(3, 1);
    expect(segments[2].end).toBeCloseTo(35.1, 1);
    expect(segments[1].start).toBe(segments[0].end); // cut, not trimmed
    expect(segments[2].start).toBe(segments[1].end);
    expect(segments[1].start).toBeGreaterThanOrEqual(11);
    expect(segments[1].start).toBeLessThanOrEqual(11.2);
    expect(segments[2].start).toBeGreaterThanOrEqual(24);
    expect(segments[2].start).toBeLessThanOrEqual(24.2);
  });

  it('digital silence, steady noise and an empty signal have no speech', () => {
    expect(detectSpeech(new Float32Array(5 * RATE), RATE)).toEqual([]);
    expect(detectSpeech(scene(5, []), RATE)).toEqual([]);
    expect(detectSpeech(new Float32Array(0), RATE)).toEqual([]);
  });

  it('frame energies are in dB of the mean square', () => {
    const energies = frameEnergiesDb(new Float32Array(1000).fill(0.1), 400, 160);
    expect(energies).toHaveLength(5);
    energies.forEach((e) => expect(e).toBeCloseTo(-20, 6));
  });
});
