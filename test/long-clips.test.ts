import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeWav, encodeWav } from '../src/audio/wav';
import { Transcriber } from '../src/speech/transcriber';
import { Rng } from '../src/core/rng';
import { ENCODERS, sox } from './helpers/encode-audio';
import { runCli } from './helpers/cli';
import { SAMPLE_AUDIO as AUDIO, sampleClips as clips } from './helpers/sample-clips';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-long-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const RATE = 16000;

/** Low background noise (-60 dBFS), so pauses are not digital silence. */
function background(seconds: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => 0.001 * rng.normal());
}

/** Each sample clip at 16 kHz mono with its leading and trailing silence removed by sox, so its position is the speech's. */
function speechOf(clip: { file: string }): Float32Array {
  const out = path.join(tmp, `trimmed-${clip.file}`);
  const trim = ['silence', '1', '0.02', '0.5%'];
  sox(path.join(AUDIO, clip.file), '-r', String(RATE), '-c', '1', out, ...trim, 'reverse', ...trim, 'reverse');
  return decodeWav(fs.readFileSync(out)).channels[0];
}

/** The sample clips recorded with noise (audio/clips.json "noise" other than clean). */
const noisy = new Set((JSON.parse(fs.readFileSync(path.join(AUDIO, 'clips.json'), 'utf8')) as { file: string; noise: string }[]).filter((c) => c.noise !== 'clean').map((c) => c.file));

/** Clips with pauses between them over low background noise; where each was put. */
function longRecording(pieces: { file: string; text: string }[], pauses: number[], file: string): { start: number; end: number; text: string }[] {
  const placed: { start: number; end: number; text: string }[] = [];
  const speech = pieces.map(speechOf);
  const total = pauses.reduce((a, b) => a + b, 0) + speech.reduce((a, p) => a + p.length / RATE, 0);
  const signal = background(total, 7);
  let at = pauses[0];
  speech.forEach((piece, k) => {
    const offset = Math.round(at * RATE);
    for (let i = 0; i < piece.length; i++) signal[offset + i] += piece[i];
    placed.push({ start: offset / RATE, end: (offset + piece.length) / RATE, text: pieces[k].text });
    at = (offset + piece.length) / RATE + pauses[k + 1];
  });
  expect(total).toBeGreaterThan(20);
  fs.writeFileSync(file, encodeWav({ sampleRate: RATE, channels: [signal] }));
  return placed;
}

async function segmentsOf(file: string): Promise<{ start: number; end: number; text: string }[]> {
  const r = await runCli('transcribe', file);
  expect(r.err).toEqual([]);
  const lines = r.out.map((line) => line.match(/^(.*) \[(\d+\.\d\d)–(\d+\.\d\d) s\]: (.*)$/));
  expect(lines.every((m) => m && m[1] === file)).toBe(true);
  return lines.map((m) => ({ start: Number(m![2]), end: Number(m![3]), text: m![4] }));
}

describe('long recordings are split at pauses', () => {
  // The clean sample clips with pauses between them (over 20 s) over low noise, as WAV and as Ogg Opus.
  const recording = path.join(tmp, 'long.wav');
  let placed: { start: number; end: number; text: string }[] = [];
  beforeAll(() => {
    placed = longRecording(clips.filter((c) => !noisy.has(c.file)), [2.5, 3.0, 2.2, 3.5, 2.0, 3.0], recording);
    ENCODERS['Ogg Opus'](recording, path.join(tmp, 'long.opus'));
  });

  it.each(['long.wav', 'long.opus'])('%s (over 20 s): one line per clip with its text, times within ±0.3 s', async (name) => {
    const got = await segmentsOf(path.join(tmp, name));
    expect(got.map((g) => g.text)).toEqual(placed.map((p) => p.text));
    got.forEach((g, k) => {
      expect(Math.abs(g.start - placed[k].start)).toBeLessThanOrEqual(0.3);
      expect(Math.abs(g.end - placed[k].end)).toBeLessThanOrEqual(0.3);
    });
  });

  // A clip with its own noise (10 and 20 dB SNR) set into a quiet recording: noise that starts and stops with the
  // speech. The model before the gated fine-tuning misheard it ("stop" as "eight zero"; its training noise always
  // covered a whole utterance); the fine-tuned one hears it right (that the gate is why was not checked).
  describe('noisy clips set into a quiet recording', () => {
    const file = path.join(tmp, 'noisy-long.wav');
    let where: { start: number; end: number; text: string }[] = [];
    beforeAll(() => {
      where = longRecording(clips.filter((c) => noisy.has(c.file)), [6, 7, 8], file);
    });

    it('are found where they were put (±0.3 s)', async () => {
      const got = await segmentsOf(file);
      expect(got.length).toBe(where.length);
      got.forEach((g, k) => {
        expect(Math.abs(g.start - where[k].start)).toBeLessThanOrEqual(0.3);
        expect(Math.abs(g.end - where[k].end)).toBeLessThanOrEqual(0.3);
      });
    });

    it('are transcribed right', async () => {
      expect((await segmentsOf(file)).map((g) => g.text)).toEqual(where.map((p) => p.text));
    });
  });

  it('a long recording without speech gives no segments and no error', async () => {
    const file = path.join(tmp, 'quiet.wav');
    fs.writeFileSync(file, encodeWav({ sampleRate: RATE, channels: [background(25, 3)] }));
    const transcriber = await Transcriber.load();
    try {
      expect(await transcriber.transcribeSegments(file)).toEqual({ seconds: 25, segmented: true, segments: [] });
    } finally {
      await transcriber.release();
    }
    expect(await runCli('transcribe', file)).toEqual({ code: 0, out: [`${file}: `], err: [] });
  });
});
