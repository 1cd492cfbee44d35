import * as fs from 'fs';
import * as path from 'path';
import { concatCorpora, generateCorpus, loadCorpus, plannedUtterances, type Corpus, type CorpusOptions } from '../src/speech/corpus';
import { makeCorpusInParts } from '../src/speech/corpus-parts';
import { voiceName, type VoiceSpec } from '../src/speech/synthesize';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir('rnnkit-corpus-parts-');
const voices: VoiceSpec[] = [{ engine: 'espeak-ng', voice: 'en-us' }, { engine: 'flite', voice: 'slt' }];

/** A run stopped (an error thrown from its progress report) once `stopAt` utterances are made. */
async function stoppedRun(opts: CorpusOptions, base: string, partSize: number, stopAt: number): Promise<void> {
  const stop = new Error('stopped');
  await expect(makeCorpusInParts({ ...opts, onProgress: (done) => { if (done === stopAt) throw stop; } }, base, partSize)).rejects.toBe(stop);
}

const files = (prefix: string) => fs.readdirSync(dir).filter((f) => f.startsWith(prefix)).sort();

function expectSameCorpus(a: Corpus, b: Corpus): void {
  expect(a.utterances).toEqual(b.utterances);
  expect(a.features).toEqual(b.features);
  expect(a.speedViews?.map((v) => [v.speed, v.utterances, v.features])).toEqual(b.speedViews?.map((v) => [v.speed, v.utterances, v.features]));
  expect([a.dereverberated, a.roomRate, a.vocodedRate]).toEqual([b.dereverberated, b.roomRate, b.vocodedRate]);
}

describe('speech corpora made in saved parts (speech:corpus stopped and started again)', () => {
  it('a training corpus stopped after a part resumes there and ends the corpus a whole run makes; the parts are removed', async () => {
    const opts: CorpusOptions = { count: 5, seed: 11, voices, mode: 'train', roomRate: 0.6 };
    const whole = await generateCorpus(opts);
    const base = path.join(dir, 'train');
    await stoppedRun(opts, base, 2, 3); // part 0 (utterances 0-1) saved, the third lost
    expect(files('train.')).toEqual(['train.part0.f32', 'train.part0.json']);
    const log: string[] = [];
    const made = await makeCorpusInParts(opts, base, 2, (line) => log.push(line));
    expect(log).toEqual(['resuming after 2 utterances (1 saved parts, train.part0 ...)']);
    expectSameCorpus(made, whole);
    expectSameCorpus(loadCorpus(base), whole);
    expect(files('train.')).toEqual(['train.f32', 'train.json']);
  }, 120000);

  it('validation and test corpora (their speed views, every condition of an utterance) resume alike', async () => {
    for (const mode of ['one-condition', 'every-condition'] as const) {
      const saved = mode === 'every-condition' ? 1 : 2; // parts of one utterance (17 corpus entries in the test's mode)
      const opts: CorpusOptions = { count: saved + 1, seed: 12, voices, mode, viewSpeeds: [0.9] };
      const whole = await generateCorpus(opts);
      const base = path.join(dir, mode);
      const perUtterance = whole.utterances.length / opts.count;
      await stoppedRun(opts, base, 1, saved * perUtterance + 1);
      expect(files(`${mode}.part`)).toEqual(Array.from({ length: saved }, (_, k) => [`${mode}.part${k}.f32`, `${mode}.part${k}.json`, `${mode}.part${k}.speed-0.9.f32`, `${mode}.part${k}.speed-0.9.json`]).flat());
      expectSameCorpus(await makeCorpusInParts(opts, base, 1), whole);
      expect(files(`${mode}.part`)).toEqual([]);
    }
  }, 300000);

  it('parts of another corpus (other seed, share, voices, speed views, WPE or part size) are refused, naming the files to remove', async () => {
    const opts: CorpusOptions = { count: 4, seed: 13, voices, mode: 'train' };
    const base = path.join(dir, 'other');
    await stoppedRun(opts, base, 2, 3);
    const refusal = `${base}.part0.json holds other utterances than this corpus's (a run with another seed, voices, shares, --dereverb, speed views or --part-size): remove other.part* from ${dir} to start again`;
    await expect(makeCorpusInParts({ ...opts, seed: 14 }, base, 2)).rejects.toThrow(refusal);
    await expect(makeCorpusInParts({ ...opts, roomRate: 0.6 }, base, 2)).rejects.toThrow(refusal);
    await expect(makeCorpusInParts({ ...opts, voices: [voices[1], voices[0]] }, base, 2)).rejects.toThrow(refusal);
    // a different part size reads part0 as holding another count of utterances
    await expect(makeCorpusInParts(opts, base, 1)).rejects.toThrow(refusal);
    // a smaller corpus than the parts hold uses none of them beyond its own count, and the leftovers are removed
    const small = await makeCorpusInParts({ ...opts, count: 1 }, base, 2);
    expect(small.utterances.map((u) => u.text)).toEqual([plannedUtterances(opts)[0].text]);
    expect(files('other.')).toEqual(['other.f32', 'other.json']);
    // validation parts, against other speed views or WPE
    const val: CorpusOptions = { count: 2, seed: 13, voices, mode: 'one-condition', viewSpeeds: [0.9] };
    const valBase = path.join(dir, 'otherval');
    await stoppedRun(val, valBase, 1, 2);
    const valRefusal = refusal.replace(/other\.part/g, 'otherval.part').replace(`${base}.part0`, `${valBase}.part0`);
    await expect(makeCorpusInParts({ ...val, viewSpeeds: [1.1] }, valBase, 1)).rejects.toThrow(valRefusal);
    await expect(makeCorpusInParts({ ...val, dereverberate: true }, valBase, 1)).rejects.toThrow(valRefusal);
    // a part that cannot be read (its view's manifest gone) is named, with what to remove
    fs.rmSync(`${valBase}.part0.speed-0.9.json`);
    await expect(makeCorpusInParts(val, valBase, 1)).rejects.toThrow(new RegExp(`otherval\\.part0\\.json cannot be read \\(.*\\): remove otherval\\.part\\* from`));
    await expect(makeCorpusInParts(val, valBase, 0)).rejects.toThrow('a corpus part holds a whole number of utterances, at least 1, not 0');
  }, 120000);

  it('a corpus already made whole (a shard that finished before the run was stopped) is read, not made again', async () => {
    const opts: CorpusOptions = { count: 3, seed: 16, voices, mode: 'train' };
    const base = path.join(dir, 'done');
    const made = await makeCorpusInParts(opts, base, 2);
    const log: string[] = [];
    let progress = 0;
    expectSameCorpus(await makeCorpusInParts({ ...opts, onProgress: () => progress++ }, base, 2, (line) => log.push(line)), made);
    expect([log, progress]).toEqual([['already made (done.json)'], 0]);
    // another corpus at that place is made, and written over it
    const other = await makeCorpusInParts({ ...opts, seed: 17 }, base, 2);
    expect(other.utterances.map((u) => u.text)).toEqual(plannedUtterances({ ...opts, seed: 17 }).map((u) => u.text));
    expect(loadCorpus(base).utterances).toEqual(other.utterances);
  }, 120000);

  it('the plan holds every draw of the corpus generator: a corpus made from a later utterance on is the whole one\'s tail', async () => {
    const opts: CorpusOptions = { count: 4, seed: 15, voices, mode: 'one-condition' };
    const whole = await generateCorpus(opts);
    const tail = await generateCorpus({ ...opts, from: 2 });
    expect(tail.utterances.map((u) => [u.text, u.voice, u.condition])).toEqual(whole.utterances.slice(2).map((u) => [u.text, u.voice, u.condition]));
    expect(tail.features).toEqual(whole.features.subarray(whole.utterances[2].offset));
    expect(plannedUtterances(opts).map((p) => [p.text, voiceName(p.voice)])).toEqual(whole.utterances.map((u) => [u.text, u.voice]));
    expectSameCorpus(concatCorpora([await generateCorpus({ ...opts, count: 2 }), tail]), whole);
    expect(() => concatCorpora([])).toThrow('no corpus parts to join');
  }, 120000);
});
