import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../src/core/rng';
import { heardSignal } from '../src/audio/mfcc';
import { addLeadIn, addNoise, LEAD_INS, normalizePeak, pad } from '../src/speech/augment';
import { conditionName, GATED_NOISE_RATE, LEAD_IN_RATE, randomTrainingCondition, randomTrainingNoise, TEST_CONDITIONS, TRAIN_NOISES, VALIDATION_CONDITIONS } from '../src/speech/conditions';
import { DEFAULT_ROOM_RATE, drawRoom, noiseGate, randomTrainingChannel } from '../src/speech/channel';
import { FEATURE_DIM, modelFeatures } from '../src/speech/features';
import { checkConditions, generateCorpus, loadCorpus, removeCorpus, renderCorpus, saveCorpus, type Corpus, type CorpusMode } from '../src/speech/corpus';
import { ACCENT_VARIANTS, withAccentVariants } from '../src/speech/pronunciations';
import { Scoreboard, wordErrors } from '../src/speech/metrics';
import { ALL_CONDITIONS, ConditionReport } from '../src/speech/report';
import { FESTIVAL_VOICES } from '../src/speech/engines/festival';
import { GNUSPEECH_VOICES } from '../src/speech/engines/gnuspeech';
import { RHVOICE_VOICES } from '../src/speech/engines/rhvoice';
import { isReserved, synthesize, type VoiceSpec } from '../src/speech/synthesize';
import { byShare, SPEAKER_HOLDOUT_VOICES, TEST_VOICES, TRAIN_VOICES, VALIDATION_VOICES } from '../src/speech/voices';
import { CLASSES, decodeWords, encodeWords, WORDS } from '../src/speech/vocabulary';
import { tempDir } from './helpers/temp-dir';

describe('speech data', () => {
  const dir = tempDir('rnnkit-speech-data-');
  it('vocabulary: 21 words + blank, round trip, unknown words named', () => {
    expect(CLASSES).toBe(22);
    expect(decodeWords(encodeWords('one Two oh stop'))).toBe('one two oh stop');
    expect(() => encodeWords('one hundred')).toThrow(/'hundred' is not in the vocabulary/);
  });

  it('no listed voice is one of the reserved evaluation voices, and synthesis refuses those', async () => {
    expect([...TRAIN_VOICES, ...VALIDATION_VOICES, ...TEST_VOICES].filter(isReserved)).toEqual([]);
    await expect(synthesize('one', { engine: 'flite', voice: 'rms' }, { rate: 1, pitch: 0.5 })).rejects.toThrow(/reserved for evaluation/);
    await expect(synthesize('one', { engine: 'espeak-ng', voice: 'en-us-nyc', variant: 'f2' }, { rate: 1, pitch: 0.5 })).rejects.toThrow(/reserved/);
  });

  it('voice lists: validation and test voices are never trained on (by engine and voice), the speaker hold-out is only tested', () => {
    const names = (voices: VoiceSpec[]) => new Set(voices.map((v) => `${v.engine}:${v.voice}`));
    const overlap = (a: VoiceSpec[], b: VoiceSpec[]) => [...names(a)].filter((n) => names(b).has(n));
    expect(overlap(TRAIN_VOICES, VALIDATION_VOICES)).toEqual([]);
    expect(overlap(TRAIN_VOICES, TEST_VOICES)).toEqual([]);
    expect(overlap(SPEAKER_HOLDOUT_VOICES, [...TRAIN_VOICES, ...VALIDATION_VOICES])).toEqual([]);
    expect(overlap(SPEAKER_HOLDOUT_VOICES, TEST_VOICES)).toEqual([...names(SPEAKER_HOLDOUT_VOICES)]);
    // every festival and GnuSpeech voice listed is one that its engine drives
    const all = [...TRAIN_VOICES, ...VALIDATION_VOICES, ...TEST_VOICES];
    expect(all.filter((v) => v.engine === 'festival' && !(v.voice in FESTIVAL_VOICES))).toEqual([]);
    expect(all.filter((v) => v.engine === 'gnuspeech' && !(GNUSPEECH_VOICES as readonly string[]).includes(v.voice))).toEqual([]);
    expect(all.filter((v) => v.engine === 'rhvoice' && !(RHVOICE_VOICES as readonly string[]).includes(v.voice))).toEqual([]);
  });

  it('training voices: each engine makes about its share of the list', () => {
    const share = (engine: string) => TRAIN_VOICES.filter((v) => v.engine === engine).length / TRAIN_VOICES.length;
    const engines = ['espeak-ng', 'mbrola', 'rhvoice', 'flite', 'gnuspeech', 'festival', 'pico'];
    expect(engines.map((e) => Math.round(share(e) * 100))).toEqual([20, 25, 15, 12, 10, 8, 10]);
    expect(byShare([{ voices: [{ engine: 'flite', voice: 'kal' }], share: 0.25 }, { voices: [{ engine: 'flite', voice: 'slt' }], share: 0.75 }]).map((v) => v.voice)).toEqual(['kal', 'slt', 'slt', 'slt']);
  });

  it('accent variants: every word has some, each is spoken by espeak-ng as phonemes, the rate is honoured', async () => {
    expect(Object.keys(ACCENT_VARIANTS).sort()).toEqual([...WORDS].sort());
    for (const [word, variants] of Object.entries(ACCENT_VARIANTS)) {
      for (const v of variants) {
        const audio = await synthesize(`[[${v}]]`, { engine: 'espeak-ng', voice: 'en-us' }, { rate: 1, pitch: 0.5 });
        const peak = audio.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect({ word, v, long: audio.length > 0.15 * 16000 && audio.length < 1.5 * 16000, audible: peak > 0.05 }).toEqual({ word, v, long: true, audible: true });
      }
    }
    const text = 'one two three four five six seven eight nine zero oh';
    expect(withAccentVariants(text, new Rng(1), 0)).toBe(text);
    expect(withAccentVariants(text, new Rng(1), 1).split(' ').every((w) => /^\[\[.+\]\]$/.test(w))).toBe(true);
    const varied = Array.from({ length: 400 }, (_, i) => withAccentVariants('up', new Rng(i), 0.25)).filter((w) => w !== 'up').length;
    expect(varied / 400).toBeGreaterThan(0.18);
    expect(varied / 400).toBeLessThan(0.32);
  });

  it('noise of every type is added at the requested SNR over the speech part', () => {
    const speech = pad(normalizePeak(Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 9)), -6), 0.3, 0.3);
    const pool = [Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i / 13) * Math.sin(i / 700))];
    for (const [type, snr] of [['white', 20], ['brown', 10], ['pink', 20], ['pink', 10], ['babble', 10]] as const) {
      const noisy = addNoise(speech, type, snr, new Rng(snr), pool);
      const active = speech.map((v) => (Math.abs(v) > 0.005 ? 1 : 0));
      let ps = 0;
      let pn = 0;
      let n = 0;
      speech.forEach((v, i) => {
        if (active[i]) {
          ps += v * v;
          n++;
        }
        pn += (noisy[i] - v) ** 2;
      });
      const measured = 10 * Math.log10(ps / n / (pn / speech.length));
      expect(Math.abs(measured - snr)).toBeLessThan(0.5);
    }
  });

  it('model features: two 39-value frames per 20 ms step', () => {
    const f = modelFeatures(Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 5) * 0.2));
    expect(FEATURE_DIM).toBe(78);
    expect(f.steps).toBe(49);
    expect(f.data.length).toBe(49 * 78);
  });

  it('corpora: validation and test features through WPE when asked (speech:corpus --dereverb), training features never', async () => {
    const voices: VoiceSpec[] = [{ engine: 'espeak-ng', voice: 'en-us' }];
    const cases: [CorpusMode, boolean, boolean][] = [['train', true, false], ['one-condition', true, true], ['one-condition', false, false]];
    for (const [mode, asked, dereverberate] of cases) {
      const opts = { count: 2, seed: 5, voices, mode, dereverberate: asked };
      const corpus = await generateCorpus(opts);
      // the manifest says so, and keeps saying so once saved and read back
      expect(corpus.dereverberated ?? false).toBe(dereverberate);
      const base = path.join(dir, `${mode}-${asked}`);
      saveCorpus(corpus, base);
      expect(loadCorpus(base).dereverberated ?? false).toBe(dereverberate);
      if (dereverberate) {
        // a corpus made when WPE ran on each view's 8 kHz band said only `true`: other features than today's, refused
        const manifest = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
        fs.writeFileSync(`${base}.json`, JSON.stringify({ ...manifest, dereverberated: true }));
        expect(() => loadCorpus(base)).toThrow(`${base}.json holds features through WPE on each view's band (an older --dereverb, not transcribe --dereverb's WPE once per clip): npm run speech:corpus -- --dereverb remakes it`);
        saveCorpus(corpus, base);
      }
      let k = 0;
      for await (const u of renderCorpus(opts)) {
        const stored = corpus.features.subarray(corpus.utterances[k].offset, corpus.utterances[k].offset + corpus.utterances[k].steps * FEATURE_DIM);
        expect(stored).toEqual(modelFeatures(u.signal, { dereverberate }).data);
        expect(stored).not.toEqual(modelFeatures(u.signal, { dereverberate: !dereverberate }).data);
        k++;
      }
      expect(k).toBe(2);
    }
  }, 60000);

  it('corpora: validation and test also store their features read at the speed views, saved beside and removed together; training never', async () => {
    const voices: VoiceSpec[] = [{ engine: 'espeak-ng', voice: 'en-us' }];
    const opts = { count: 2, seed: 5, voices, mode: 'one-condition' as CorpusMode, viewSpeeds: [0.9, 1.1] };
    const corpus = await generateCorpus(opts);
    const base = path.join(dir, 'views');
    saveCorpus(corpus, base);
    const back = loadCorpus(base);
    expect(back.speedViews!.map((v) => v.speed)).toEqual([0.9, 1.1]);
    let k = 0;
    for await (const u of renderCorpus(opts)) {
      for (const v of back.speedViews!) {
        const w = v.utterances[k];
        expect([w.text, w.voice, w.condition]).toEqual([back.utterances[k].text, back.utterances[k].voice, back.utterances[k].condition]);
        expect(v.features.subarray(w.offset, w.offset + w.steps * FEATURE_DIM)).toEqual(modelFeatures(u.signal, { speed: v.speed }).data);
      }
      // read slower, an utterance takes more steps; faster, fewer
      expect([back.speedViews![0].utterances[k].steps > back.utterances[k].steps, back.speedViews![1].utterances[k].steps < back.utterances[k].steps]).toEqual([true, true]);
      k++;
    }
    expect(k).toBe(2);
    removeCorpus(base);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('views'))).toEqual([]);
    expect((await generateCorpus({ ...opts, mode: 'train' })).speedViews).toBeUndefined();
    await expect(generateCorpus({ ...opts, viewSpeeds: [1, 0.9] })).rejects.toThrow('speed views are the speeds other than 1 (the corpus itself is read at 1)');
  }, 60000);

  it('corpora made with --dereverb: every speed view reads the clip through WPE once (at 16 kHz, before the view resamples it)', async () => {
    const voices: VoiceSpec[] = [{ engine: 'espeak-ng', voice: 'en-us' }];
    const opts = { count: 1, seed: 6, voices, mode: 'one-condition' as CorpusMode, viewSpeeds: [0.9], dereverberate: true };
    const corpus = await generateCorpus(opts);
    const [view] = corpus.speedViews!;
    for await (const u of renderCorpus(opts)) {
      const heard = heardSignal(u.signal, true);
      expect(corpus.features).toEqual(modelFeatures(heard, { speed: 1 }).data);
      expect(view.features).toEqual(modelFeatures(heard, { speed: 0.9 }).data);
      expect(view.features).toEqual(modelFeatures(u.signal, { dereverberate: true, speed: 0.9 }).data);
      expect(view.features).not.toEqual(modelFeatures(u.signal, { speed: 0.9 }).data);
    }
  }, 60000);

  it('word error rate counts substitutions, insertions and deletions', () => {
    expect(wordErrors('one two three', 'one two three')).toEqual({ errors: 0, words: 3 });
    expect(wordErrors('one two three', 'one three')).toEqual({ errors: 1, words: 3 });
    expect(wordErrors('one two', 'one five two six')).toEqual({ errors: 2, words: 2 });
    const board = new Scoreboard();
    board.add('digits/clean', 'one two', 'one two');
    board.add('digits/clean', 'three four', 'three');
    expect(board.lines()).toEqual([['digits/clean', { utterances: 2, wer: 0.25, sentenceAccuracy: 0.5 }]]);
  });

  it('an evaluation corpus made with other recording conditions than today\'s is refused, naming them', () => {
    const corpus = (conditions: string[]): Corpus => ({ featureDim: 78, features: new Float32Array(0), utterances: conditions.map((condition) => ({ text: 'one', voice: 'flite:awb', condition, steps: 1, offset: 0 })) });
    const testNames = TEST_CONDITIONS.map(conditionName);
    expect(() => checkConditions(corpus(testNames), 'test', 'x/test')).not.toThrow();
    expect(() => checkConditions(corpus(testNames.slice(0, -1)), 'test', 'x/test')).toThrow(/x\/test was made with other recording conditions \(without noise-gated \+ white 20 dB\): remake it/);
    expect(() => checkConditions(corpus(VALIDATION_CONDITIONS.map(conditionName).slice(3)), 'val', 'x/val')).not.toThrow();
    expect(() => checkConditions(corpus(testNames), 'val', 'x/val')).toThrow(/with noise-gated \+ white 20 dB, not a val condition now/);
  });

  it('the evaluation report pools every condition by words, per voice family and over all voices', () => {
    const report = new ConditionReport();
    report.add('flite:awb', 'clean', 'one two three four', 'one two three four');
    report.add('flite:awb', 'noisy', 'five', 'five six seven'); // 2 errors in 1 word: 200% in its condition
    report.add('espeak-ng:en-029+f2', 'clean', 'yes', 'no');
    const awb = report.overall().find((r) => r.voices === 'flite:awb')!;
    expect(awb).toEqual({ voices: 'flite:awb', condition: ALL_CONDITIONS, digitStrings: 2, digitWer: 2 / 5, commands: 0, commandAccuracy: NaN });
    const all = report.overall().find((r) => r.voices === 'all voices')!;
    expect([all.digitWer, all.commands, all.commandAccuracy]).toEqual([2 / 5, 1, 0]);
    expect(report.results().map((r) => r.condition)).not.toContain(ALL_CONDITIONS);
    expect(report.format()).toContain(`| ${ALL_CONDITIONS} | 40.0% | – | 2 / 0 |`);
  });

  it('the report names the command words a voice family mishears, most frequent first (then as first heard), out of how often each was said', () => {
    const report = new ConditionReport();
    const say = (voice: string, reference: string, heard: string[]) => heard.forEach((h, i) => report.add(voice, i % 2 ? 'clean' : 'noisy', reference, h));
    say('flite:awb', 'yes', ['left', 'left', 'left', 'yes']);
    say('flite:awb', 'down', ['nine', 'down', '']);
    say('espeak-ng:en-029+f2', 'yes', ['yes', 'no']);
    say('espeak-ng:en-029+m3', 'up', ['up']);
    report.add('flite:awb', 'clean', 'one two', 'one');
    expect(report.commandConfusions()).toEqual([
      { voices: 'flite:awb', reference: 'yes', heard: 'left', count: 3, of: 4 },
      { voices: 'all voices', reference: 'yes', heard: 'left', count: 3, of: 6 },
      { voices: 'all voices', reference: 'yes', heard: 'no', count: 1, of: 6 },
      { voices: 'flite:awb', reference: 'down', heard: 'nine', count: 1, of: 3 },
      { voices: 'flite:awb', reference: 'down', heard: '', count: 1, of: 3 },
      { voices: 'all voices', reference: 'down', heard: 'nine', count: 1, of: 3 },
      { voices: 'all voices', reference: 'down', heard: '', count: 1, of: 3 },
      { voices: 'espeak-ng:en-029', reference: 'yes', heard: 'no', count: 1, of: 2 },
    ]);
    expect(report.format()).toContain('command words most misheard: "yes" as "left" 3 of 4, "down" as "nine" 1 of 3, "down" as nothing 1 of 3\n');
    expect(report.format()).toContain('command words most misheard: "yes" as "no" 1 of 2');
  });
});

describe('training lead-ins (addLeadIn)', () => {
  const speech = pad(normalizePeak(Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 7)), -6), 0.2, 0.2);
  const peakOf = (x: Float32Array) => x.reduce((p, v) => Math.max(p, Math.abs(v)), 0);

  it.each(LEAD_INS)('%s: the speech unchanged at the end, before it silence and an event quieter than the speech', (kind) => {
    for (let seed = 0; seed < 20; seed++) {
      const x = addLeadIn(speech, kind, new Rng(seed));
      const before = x.length - speech.length;
      expect(x.subarray(before)).toEqual(speech);
      expect(before / 16000).toBeGreaterThanOrEqual(0.1);
      expect(before / 16000).toBeLessThanOrEqual(kind === 'noise' ? 1.6 : 1);
      const lead = x.subarray(0, before);
      expect(peakOf(lead)).toBeGreaterThan(0);
      expect(peakOf(lead)).toBeLessThanOrEqual(peakOf(speech) * (kind === 'click' ? 1 : kind === 'breath' ? 0.51 : 0.6)); // hiss: −20 dB rms at most, peaks within 6σ
      // the last 0.1 s before the speech is silence
      expect(peakOf(lead.subarray(lead.length - 0.1 * 16000))).toBe(0);
    }
  });

  it('about a quarter of training utterances get one', () => {
    const lengths = Array.from({ length: 60 }, (_, seed) => randomTrainingCondition(speech, new Rng(seed), [speech]).length);
    const longer = lengths.filter((n) => n > speech.length).length;
    expect(longer / 60).toBeGreaterThan(LEAD_IN_RATE - 0.15);
    expect(longer / 60).toBeLessThan(LEAD_IN_RATE + 0.15);
  });
});

describe('training noise (randomTrainingNoise)', () => {
  // Loud tone bursts between quiet tone: the noise covers the quiet stretches, which only the gate zeroes.
  const tone = (seconds: number, amplitude: number) => Array.from({ length: seconds * 16000 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const bursts = Float32Array.from([...tone(0.5, 0.03), ...tone(0.2, 0.9), ...tone(0.5, 0.03), ...tone(0.2, 0.9), ...tone(0.5, 0.03)]);
  const zeroRun = (x: Float32Array) => {
    let [best, run] = [0, 0];
    for (const v of x) best = Math.max(best, (run = v === 0 ? run + 1 : 0));
    return best;
  };

  it('draws the noise type, SNR and noise, then whether to gate, in that order; a share of them is gated', () => {
    let gatedCount = 0;
    for (let seed = 0; seed < 200; seed++) {
      // the order the corpus of the shipped model was drawn in: another order would redraw every training utterance
      const r = new Rng(seed);
      const noisy = addNoise(bursts, TRAIN_NOISES[r.int(TRAIN_NOISES.length)], r.uniform(5, 30), r, [bursts]);
      const gated = r.next() < GATED_NOISE_RATE;
      gatedCount += gated ? 1 : 0;
      const rng = new Rng(seed);
      const got = randomTrainingNoise(bursts, rng, [bursts]);
      expect(got).toEqual(gated ? noiseGate(noisy) : noisy);
      expect(rng.getState()).toEqual(r.getState());
      // only the gate leaves exact zeros: whole 20 ms frames of them
      expect(zeroRun(got) === 0 || (gated && zeroRun(got) >= 320)).toBe(true);
    }
    expect(gatedCount / 200).toBeGreaterThan(GATED_NOISE_RATE - 0.07);
    expect(gatedCount / 200).toBeLessThan(GATED_NOISE_RATE + 0.07);
  });
});

describe('training rooms (randomTrainingChannel; speech:corpus --rooms) and the other shares of a training corpus', () => {
  const dir = tempDir('rnnkit-training-shares-');

  it('a room for the share of utterances asked for, sox\'s reverb for 3 in 7 of them; the default rate draws as the corpus always did', () => {
    const rng = new Rng(11);
    const rooms = Array.from({ length: 4000 }, () => drawRoom(rng, 0.6));
    const share = (kind: string) => rooms.filter((r) => r === kind).length / rooms.length;
    expect(share('sox-reverb')).toBeCloseTo((0.6 * 3) / 7, 1);
    expect(share('impulse-response')).toBeCloseTo((0.6 * 4) / 7, 1);
    // The default corpus's rule before --rooms existed: sox's reverb under 0.15, an impulse response under 0.35.
    const [a, b] = [new Rng(12), new Rng(12)];
    for (let i = 0; i < 4000; i++) {
      const u = b.next();
      expect(drawRoom(a, DEFAULT_ROOM_RATE)).toBe(u < 0.15 ? 'sox-reverb' : u < 0.35 ? 'impulse-response' : undefined);
    }
    expect(() => drawRoom(rng, 1.2)).toThrow('the share of training utterances in a room lies in [0, 1], not 1.2');
  });

  it('a room rings on after the speech; without one no training stage does', () => {
    // A 0.2 s noise burst between silences; the tail is 30–150 ms after it, against the burst's level.
    const noise = new Rng(123);
    const burst = Array.from({ length: 3200 }, (_, i) => 0.3 * noise.normal() * Math.sin((Math.PI * i) / 3200));
    const x = Float32Array.from([...new Array(1600).fill(0), ...burst, ...new Array(8000).fill(0)]);
    const rms = (a: Float32Array) => Math.sqrt(a.reduce((sum, v) => sum + v * v, 0) / a.length) + 1e-12;
    const tailDb = (roomRate: number) => Array.from({ length: 24 }, (_, seed) => {
      const y = randomTrainingChannel(x, new Rng(seed), roomRate);
      return 20 * Math.log10(rms(y.subarray(4800 + 480, 4800 + 2400)) / rms(y.subarray(1600, 4800)));
    }).sort((p, q) => p - q);
    expect(tailDb(0).at(-1)).toBeLessThan(-48);
    expect(tailDb(1)[12]).toBeGreaterThan(-30);
  });

  it('a training corpus records a share of rooms other than the default in its manifest (the default corpus unchanged); other corpora take none', async () => {
    const voices = [{ engine: 'espeak-ng', voice: 'en-us' }] as const;
    const made = new Map<string, Corpus>();
    const manifest = (roomRate: number | undefined) => JSON.parse(fs.readFileSync(path.join(dir, `train-${roomRate}.json`), 'utf8'));
    for (const roomRate of [undefined, DEFAULT_ROOM_RATE, 1]) {
      const corpus = await generateCorpus({ count: 3, seed: 4, voices, mode: 'train', roomRate });
      saveCorpus(corpus, path.join(dir, `train-${roomRate}`));
      made.set(String(roomRate), loadCorpus(path.join(dir, `train-${roomRate}`)));
    }
    expect('roomRate' in manifest(DEFAULT_ROOM_RATE)).toBe(false);
    expect(manifest(1).roomRate).toBe(1);
    expect(made.get('1')!.roomRate).toBe(1);
    expect(made.get(String(DEFAULT_ROOM_RATE))!.features).toEqual(made.get('undefined')!.features);
    expect(made.get('1')!.utterances.map((u) => u.text)).toEqual(made.get('undefined')!.utterances.map((u) => u.text));
    expect(made.get('1')!.features).not.toEqual(made.get('undefined')!.features);
    await expect(generateCorpus({ count: 2, seed: 3, voices, mode: 'one-condition', roomRate: 0.6 })).rejects.toThrow('roomRate changes training utterances only');
    await expect(generateCorpus({ count: 2, seed: 3, voices, mode: 'train', roomRate: 2 })).rejects.toThrow('roomRate is a share of the utterances, in [0, 1], not 2');
    fs.writeFileSync(path.join(dir, 'train-1.json'), JSON.stringify({ ...manifest(1), roomRate: '0.6' }));
    expect(() => loadCorpus(path.join(dir, 'train-1'))).toThrow(`${path.join(dir, 'train-1')}.json: roomRate is not a share in [0, 1]`);
  }, 60000);

  it('speech:corpus takes --vocoded and --rooms for a training corpus only, in a folder of its own', () => {
    const corpusScript = (...args: string[]) => {
      const root = path.join(__dirname, '..');
      // Refused before any work: the timeout only guards against a regression that would start making a corpus.
      const r = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'make-speech-corpus.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      return [r.status, r.stderr.trim().split('\n').pop()];
    };
    expect(corpusScript('--vocoded', '0.25')).toEqual([1, '--vocoded makes another training corpus than the default one: give it an --out folder of its own, not data/speech']);
    expect(corpusScript('--vocoded', '0.25', '--only', 'val', '--out', '/nonexistent/x')).toEqual([1, '--vocoded changes training utterances only: not with --only val']);
    expect(corpusScript('--vocoded', '2', '--out', '/nonexistent/x')).toEqual([1, '--vocoded takes the share of training utterances to vocode, 0 to 1, not 2']);
    expect(corpusScript('--rooms', '0.6', '--only', 'train')).toEqual([1, '--rooms makes another training corpus than the default one: give it an --out folder of its own, not data/speech']);
    expect(corpusScript('--rooms', '0.6', '--only', 'test', '--out', '/nonexistent/x')).toEqual([1, '--rooms changes training utterances only: not with --only test']);
    expect(corpusScript('--rooms', '1.5', '--out', '/nonexistent/x')).toEqual([1, '--rooms takes the share of training utterances recorded in a room, 0 to 1, not 1.5']);
  });
});
