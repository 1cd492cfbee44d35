import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FestivalSession } from '../src/speech/engines/festival-session';
import { mbrolaText } from '../src/speech/engines/mbrola';
import { TRAIN_VOICES, VALIDATION_VOICES } from '../src/speech/voices';
import { WORDS } from '../src/speech/vocabulary';
import { isReserved, synthesize, type VoiceSpec } from '../src/speech/synthesize';

const SECOND = 16000;
const NORMAL = { rate: 1, pitch: 0.5 };

function peak(audio: Float32Array): number {
  return audio.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

/** One voice of each engine the synthesiser drives. */
const ONE_VOICE_PER_ENGINE: VoiceSpec[] = [
  { engine: 'espeak-ng', voice: 'en-us', variant: 'f3' },
  { engine: 'flite', voice: 'slt' },
  { engine: 'festival', voice: 'kal_diphone' },
  { engine: 'festival', voice: 'cmu_us_slt_arctic_hts' },
  { engine: 'gnuspeech', voice: 'male' },
  { engine: 'mbrola', voice: 'us2' },
  { engine: 'mbrola', voice: 'fr4-en' },
  { engine: 'pico', voice: 'en-GB' },
  { engine: 'rhvoice', voice: 'clb' },
];

describe('speech synthesis engines', () => {
  // Few and short utterances: the resampling to 16 kHz runs slowly under jest.
  it.each(ONE_VOICE_PER_ENGINE.map((v) => [`${v.engine}:${v.voice}`, v] as const))('%s: audible digits and a command word of plausible length; the rate changes the duration', async (_, voice) => {
    const digits = await synthesize('nine oh two', voice, NORMAL);
    const slow = await synthesize('stop', voice, { rate: 0.75, pitch: 0.2 });
    const fast = await synthesize('stop', voice, { rate: 1.35, pitch: 0.8 });
    expect({ audible: [digits, slow, fast].every((a) => peak(a) > 0.05) }).toEqual({ audible: true });
    expect(digits.length / SECOND).toBeGreaterThan(0.8);
    expect(digits.length / SECOND).toBeLessThan(3);
    expect(fast.length / SECOND).toBeGreaterThan(0.25);
    expect(slow.length / SECOND).toBeLessThan(1.6);
    // 1.8 if every sound scaled; the pauses at the ends do not all
    expect(slow.length / fast.length).toBeGreaterThan(1.5);
  });

  it('MBROLA us3 says "on" and "off" (espeak-ng\'s vowel for them is missing from its diphones)', async () => {
    for (const word of ['on', 'off']) {
      const audio = await synthesize(word, { engine: 'mbrola', voice: 'us3' }, NORMAL);
      const top = peak(audio);
      const loud = audio.filter((x) => Math.abs(x) > 0.05 * top).length;
      expect({ word, audible: top > 0.05, loudSeconds: loud / SECOND > 0.05 }).toEqual({ word, audible: true, loudSeconds: true });
    }
  });

  it('every MBROLA voice of the corpora has a diphone for every sound of every word (MBROLA puts silence where one is missing)', () => {
    const voices = [...new Set([...TRAIN_VOICES, ...VALIDATION_VOICES].filter((v) => v.engine === 'mbrola').map((v) => v.voice))];
    expect(voices.length).toBe(19);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-mbrola-'));
    try {
      const missing = voices.flatMap((voice) => WORDS.flatMap((word) => {
        // espeak-ng passes MBROLA's "<diphone> unknown, replaced with _-_" warnings on to stderr
        const run = spawnSync('espeak-ng', ['-v', `mb-${voice}`, '-w', path.join(dir, 'w.wav'), mbrolaText(word)], { encoding: 'utf8' });
        return run.status !== 0 || /unknown/.test(run.stderr) ? [`${voice} ${word}: ${run.stderr.trim()}`] : [];
      }));
      expect(missing).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reserved evaluation voices of every engine are refused', async () => {
    const reserved: VoiceSpec[] = [
      { engine: 'flite', voice: 'rms' },
      { engine: 'festival', voice: 'ked_diphone' },
      { engine: 'festival', voice: 'ked' },
      { engine: 'espeak-ng', voice: 'en-gb-scotland' },
      { engine: 'espeak-ng', voice: 'en-us-nyc', variant: 'm3' },
      { engine: 'espeak-ng', voice: 'en-gb-x-gbcwmd' },
      { engine: 'rhvoice', voice: 'alan' },
    ];
    for (const voice of reserved) {
      expect(isReserved(voice)).toBe(true);
      await expect(synthesize('one', voice, NORMAL)).rejects.toThrow(/reserved for evaluation/);
    }
  });

  it('gnuspeech is deterministic (its unseeded random intonation is off) and shares one module between concurrent calls', async () => {
    const voice: VoiceSpec = { engine: 'gnuspeech', voice: 'female' };
    const [a, b] = await Promise.all([synthesize('nine', voice, NORMAL), synthesize('nine', voice, NORMAL)]);
    expect(a.length).toBeGreaterThan(0.25 * SECOND);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('festival sessions: several utterances in flight come back in order; a failing setup ends the session with festival\'s message', async () => {
    const voice: VoiceSpec = { engine: 'festival', voice: 'kal_diphone' };
    const [short, long] = await Promise.all([synthesize('go', voice, NORMAL), synthesize('seven seven seven', voice, NORMAL)]);
    expect(long.length).toBeGreaterThan(2 * short.length);
    const broken = new FestivalSession(['(voice_no_such_voice)']);
    await expect(broken.synthesize((wav) => `(utt.save.wave (utt.synth (Utterance Text "one")) "${wav}" 'riff)`)).rejects.toThrow(/festival.*voice_no_such_voice/);
    expect(broken.ended).toBeDefined();
  });

  it('an unknown voice is named in the error', async () => {
    await expect(synthesize('one', { engine: 'festival', voice: 'don_diphone' }, NORMAL)).rejects.toThrow(/'don_diphone' is not one of kal_diphone/);
    await expect(synthesize('one', { engine: 'gnuspeech', voice: 'robot' }, NORMAL)).rejects.toThrow(/'robot' is not one of male, female/);
    await expect(synthesize('one', { engine: 'rhvoice', voice: 'anna' }, NORMAL)).rejects.toThrow(/'anna' is not one of bdl, clb/);
  });
});
