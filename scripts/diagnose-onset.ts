/**
 * Onset insertions: what in the lead-in of a clip makes the transcriber emit a digit before
 * the first spoken one. Digit strings from the training voices (or the validation voices;
 * never the test or reserved ones) are given lead-ins (silence of several lengths, low hiss,
 * mains hum, a DC offset, a click, a breath, a fade-in, a telephone line with line noise, a noise gate...),
 * each is transcribed by the shipped transcriber (Transcriber.transcribe, the no-speech gate
 * included), and the table gives per lead-in the share of clips with a word inserted before
 * the first reference word, the share with any insertion, and the digit WER.
 * Usage: node -r @swc-node/register scripts/diagnose-onset.ts [--count 40] [--seed 7] [--voices train|val]
 *          [--model models/speech.onnx] [--only 'name;name'] [--show] [--json FILE]
 */
import * as path from 'path';
import { Rng } from '../src/core/rng';
import { writeFileAtomic } from '../src/io/atomic-write';
import { breath, click, coloredNoise, mixAtSnr, peakAbs } from '../src/speech/augment';
import { noiseGate, telephone } from '../src/speech/channel';
import { sampleText, speakUtterance } from '../src/speech/corpus';
import { onsetErrors } from '../src/speech/metrics';
import { Transcriber } from '../src/speech/transcriber';
import { TRAIN_VOICES, VALIDATION_VOICES } from '../src/speech/voices';
import { utteranceKind } from '../src/speech/vocabulary';
import { voiceName, type VoiceSpec } from '../src/speech/synthesize';
import { ScriptOptions } from './options';

const RATE = 16000;
const db = (d: number) => Math.pow(10, d / 20);

/** `seconds` of silence (digital zeros) before x. */
function lead(x: Float32Array, seconds: number, fill?: (n: number) => Float32Array): Float32Array {
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n + x.length);
  if (fill) out.set(fill(n));
  out.set(x, n);
  return out;
}

/** White noise at `dbfs` RMS. */
const hiss = (rng: Rng, dbfs: number) => (n: number) => coloredNoise(n, 'white', rng).map((v) => v * db(dbfs));

/** Mains hum: fundamental and odd harmonics, `dbfs` peak. */
function hum(n: number, hz: number, dbfs: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    const t = i / RATE;
    return db(dbfs) * (0.7 * Math.sin(2 * Math.PI * hz * t + phase) + 0.2 * Math.sin(2 * Math.PI * 3 * hz * t) + 0.1 * Math.sin(2 * Math.PI * 5 * hz * t));
  });
}

/** Adds `y` to `x` from sample `at` (as far as x goes). */
function addAt(x: Float32Array, y: Float32Array, at = 0): Float32Array {
  const out = Float32Array.from(x);
  for (let i = 0; i < y.length && at + i < out.length; i++) out[at + i] += y[i];
  return out;
}

type Perturb = (speech: Float32Array, rng: Rng) => Float32Array;

/** White noise at 25 dB SNR over the whole clip. */
const white25: Perturb = (x, r) => mixAtSnr(x, coloredNoise(x.length, 'white', r), 25);

/** Lead-ins, by name; the speech has its corpus padding (0.05–0.4 s of silence) on either side. */
const PERTURBATIONS: Record<string, Perturb> = {
  none: (x) => x,
  'silence 0.5 s': (x) => lead(x, 0.5),
  'silence 1 s': (x) => lead(x, 1),
  'silence 2 s': (x) => lead(x, 2),
  'silence 4 s': (x) => lead(x, 4),
  'hiss -60 dBFS lead 1 s': (x, r) => lead(x, 1, hiss(r, -60)),
  'hiss -45 dBFS lead 1 s': (x, r) => lead(x, 1, hiss(r, -45)),
  'hiss -60 dBFS throughout, lead 1 s': (x, r) => { const y = lead(x, 1); return addAt(y, hiss(r, -60)(y.length)); },
  'hum 50 Hz -30 dBFS, lead 1 s': (x) => { const y = lead(x, 1); return addAt(y, hum(y.length, 50, -30)); },
  'hum 60 Hz -30 dBFS, lead 1 s': (x) => { const y = lead(x, 1); return addAt(y, hum(y.length, 60, -30)); },
  'hum 60 Hz -20 dBFS, lead 1 s': (x) => { const y = lead(x, 1); return addAt(y, hum(y.length, 60, -20)); },
  'DC +0.02, lead 1 s': (x) => lead(x, 1).map((v) => v + 0.02),
  'DC +0.1, lead 1 s': (x) => lead(x, 1).map((v) => v + 0.1),
  'DC +0.1 no lead': (x) => x.map((v) => v + 0.1),
  'click at 0 s, lead 1 s': (x) => addAt(lead(x, 1), click(0.5 * peakAbs(x)), 0),
  'click at 0.5 s, lead 1 s': (x) => addAt(lead(x, 1), click(0.5 * peakAbs(x)), 0.5 * RATE),
  'click 0.15 s before speech': (x) => { const y = lead(x, 1); return addAt(y, click(0.5 * peakAbs(x)), Math.round(0.85 * RATE)); },
  'breath -20 dB, 0.6 s lead': (x, r) => addAt(lead(x, 0.6), breath(0.3 * RATE, 0.1 * peakAbs(x), r), Math.round(0.1 * RATE)),
  'breath -10 dB, 0.6 s lead': (x, r) => addAt(lead(x, 0.6), breath(0.3 * RATE, 0.3 * peakAbs(x), r), Math.round(0.1 * RATE)),
  'fade-in 0.5 s': (x) => x.map((v, i) => v * Math.min(1, i / (0.5 * RATE))),
  'fade-in 0.5 s, lead 1 s': (x) => lead(x, 1).map((v, i) => v * Math.min(1, i / (1.5 * RATE))),
  'white 25 dB': white25,
  'white 25 dB, noise-gated': (x, r) => noiseGate(white25(x, r)),
  'telephone ulaw, lead 1 s': (x) => telephone(lead(x, 1), 'ulaw'),
  'telephone ulaw + line noise -50 dBFS, lead 1 s': (x, r) => { const y = lead(x, 1); return telephone(addAt(y, hiss(r, -50)(y.length)), 'ulaw'); },
  'telephone ulaw, pink 20 dB, no lead': (x, r) => telephone(mixAtSnr(x, coloredNoise(x.length, 'pink', r), 20), 'ulaw'),
  'telephone ulaw, pink 20 dB, lead 2 s': (x, r) => { const y = lead(x, 2); return telephone(mixAtSnr(y, coloredNoise(y.length, 'pink', r), 20), 'ulaw'); },
  'telephone ulaw, hum+DC+click, lead 1 s': (x, r) => {
    let y = lead(x, 1);
    y = addAt(y, hum(y.length, 60, -35));
    y = addAt(y, click(0.4 * peakAbs(x)), Math.round(0.2 * RATE)).map((v) => v + 0.01);
    return telephone(addAt(y, hiss(r, -55)(y.length)), 'ulaw');
  },
};

interface Row { clips: number; onset: number; inserted: number; errors: number; words: number; empty: number }

async function main(): Promise<void> {
  const options = new ScriptOptions({ values: ['count', 'seed', 'voices', 'only', 'model', 'json'], flags: ['show'] });
  const count = options.number('count', 40, { whole: true });
  const seed = options.number('seed', 7, { whole: true });
  const voiceSet = options.string('voices', 'train');
  if (!['train', 'val'].includes(voiceSet)) throw new Error('--voices is train or val (test and reserved voices are for the final evaluation)');
  const voices: VoiceSpec[] = voiceSet === 'train' ? TRAIN_VOICES : VALIDATION_VOICES;
  const only = options.string('only')?.split(';');
  const names = Object.keys(PERTURBATIONS).filter((n) => !only || only.includes(n));
  const transcriber = await Transcriber.load(options.string('model'));
  const rng = new Rng(seed);
  const rows = new Map<string, Row>(names.map((n) => [n, { clips: 0, onset: 0, inserted: 0, errors: 0, words: 0, empty: 0 }]));
  for (let i = 0; i < count; i++) {
    let text = sampleText(rng);
    while (utteranceKind(text) === 'command') text = sampleText(rng);
    const voice = voices[rng.int(voices.length)];
    const speech = await speakUtterance(text, voice, new Rng(rng.nextU32()));
    const pSeed = rng.nextU32();
    for (const name of names) {
      const clip = PERTURBATIONS[name](speech, new Rng(pSeed));
      const hyp = await transcriber.transcribe(clip);
      const e = onsetErrors(text, hyp);
      const row = rows.get(name)!;
      row.clips++;
      row.onset += e.onsetInsertions > 0 ? 1 : 0;
      row.inserted += e.insertions > 0 ? 1 : 0;
      row.errors += e.errors;
      row.words += e.words;
      row.empty += hyp === '' ? 1 : 0;
      if (options.flag('show') && e.errors > 0) console.log(`${name} | ${voiceName(voice)} | ${text} -> ${hyp || '(empty)'}`);
    }
    if ((i + 1) % 10 === 0) console.error(`${i + 1}/${count}`);
  }
  await transcriber.release();
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  console.log(`${count} digit strings from the ${voiceSet} voices, seed ${seed}\n`);
  console.log('| lead-in | onset insertion | any insertion | digit WER | empty |\n|---|---|---|---|---|');
  for (const [name, r] of rows) console.log(`| ${name} | ${pct(r.onset, r.clips)} | ${pct(r.inserted, r.clips)} | ${pct(r.errors, r.words)} | ${r.empty} |`);
  const json = options.string('json');
  if (json) writeFileAtomic(path.resolve(json), JSON.stringify({ count, seed, voices: voiceSet, rows: Object.fromEntries(rows) }, null, 1) + '\n');
}

main().catch((err) => {
  console.error(`diagnose-onset: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
