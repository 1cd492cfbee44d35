import * as fs from 'fs';
import * as path from 'path';
import { loadModel, Sequential } from '../src';
import { saveOnnx } from '../src/onnx/export';
import { OnnxModel } from '../src/onnx/onnx-model';
import { FEATURE_DIM, modelFeatures } from '../src/speech/features';
import { decodeWav, toMono } from '../src/audio/wav';
import { resample } from '../src/audio/resample';
import { speechFeatures } from '../src/audio/mfcc';
import { toMono16k, Transcriber } from '../src/speech/transcriber';
import { splitMembers } from '../src/speech/ensemble-decode';
import { SPEED_VIEWS } from '../src/speech/speed-views';
import type { StepLogits } from '../src/speech/grammar-decode';
import { CLASSES } from '../src/speech/vocabulary';
import { runCli } from './helpers/cli';
import { rawWav } from './helpers/raw-wav';
import { SAMPLE_AUDIO as AUDIO, sampleClips as clips } from './helpers/sample-clips';
import { tempDir } from './helpers/temp-dir';

const ROOT = path.join(__dirname, '..');
const tmp = tempDir('rnnkit-asr-');

describe('rnnkit transcribe with the shipped model', () => {
  it('the shipped model is small (< 5 MB): an ensemble whose members each match their engine model to 1e-5 (relative to logits above 1)', async () => {
    expect(fs.statSync(path.join(ROOT, 'models', 'speech.onnx')).size).toBeLessThan(5 * 1024 * 1024);
    // models/speech.json is the first member, speech-2.json the second, and so on
    const files = fs.readdirSync(path.join(ROOT, 'models')).filter((f) => /^speech(-\d+)?\.json$/.test(f));
    const members = files.map((_, m) => loadModel(path.join(ROOT, 'models', m === 0 ? 'speech.json' : `speech-${m + 1}.json`)));
    expect(members.length).toBeGreaterThan(1);
    const onnx = await OnnxModel.load(path.join(ROOT, 'models', 'speech.onnx'));
    const audio = decodeWav(fs.readFileSync(path.join(AUDIO, clips[0].file)));
    const f = modelFeatures(resample(toMono(audio), audio.sampleRate, 16000));
    const x = { data: f.data, batch: 1, time: f.steps, features: FEATURE_DIM };
    const out = (await onnx.run(x)).output;
    expect(out.features).toBe(members.length * CLASSES);
    splitMembers(out.data, f.steps, CLASSES).forEach((b, m) => {
      const a = members[m].predict(x).data;
      // The logits reach ~24; kernels that sum in other orders differ there by a few float32 rounding steps
      // (JS vs onnxruntime: 1.5e-5), so compare relative to max(1, |value|).
      expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))))).toBeLessThan(1e-5);
    });
    await onnx.release();
  });

  it('transcribes every sample clip in audio/ correctly', async () => {
    const r = await runCli('transcribe', ...clips.map((c) => path.join(AUDIO, c.file)));
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(clips.map((c) => `${path.join(AUDIO, c.file)}: ${c.text}`));
  });

  it('refuses a model whose input is not the features of the front end, naming both counts', async () => {
    const file = path.join(tmp, 'other.onnx');
    saveOnnx(new Sequential({ inputFeatures: 40, layers: [{ type: 'gru', hiddenSize: 4 }, { type: 'dense', units: CLASSES }], seed: 1 }), file);
    await expect(Transcriber.load(file)).rejects.toThrow(`${file}: the model takes 40 features per step, and this rnnkit's speech front end gives ${FEATURE_DIM}`);
    const shipped = await OnnxModel.load(path.join(ROOT, 'models', 'speech.onnx'));
    expect(shipped.inputFeatures).toBe(FEATURE_DIM);
    await shipped.release();
  });

  it('analyze: the same transcript, the front-end frames and the per-step class probabilities', async () => {
    const transcriber = await Transcriber.load();
    const audio = decodeWav(fs.readFileSync(path.join(AUDIO, clips[1].file)));
    const signal = toMono16k(audio);
    const a = await transcriber.analyze(signal);
    expect(a.text).toBe(clips[1].text);
    expect(a.text).toBe(await transcriber.transcribe(signal));
    expect(a.features).toEqual(speechFeatures(signal));
    expect(a.posteriors.steps).toBe(modelFeatures(signal).steps);
    expect(a.posteriors.data).toHaveLength(a.posteriors.steps * CLASSES);
    for (let t = 0; t < a.posteriors.steps; t++) {
      const row = a.posteriors.data.subarray(t * CLASSES, (t + 1) * CLASSES);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    expect(Object.values(a.timing).every((ms) => ms >= 0)).toBe(true);
    // without speech: no transcript, but the model's view all the same
    const quiet = await transcriber.analyze(new Float32Array(16000));
    expect([quiet.text, quiet.posteriors.steps]).toEqual(['', 49]);
    await transcriber.release();
  });

  it('with --dereverb (WPE before the features) transcribes every sample clip, and its features are the WPE front end\'s', async () => {
    const files = clips.map((c) => path.join(AUDIO, c.file));
    const load = jest.spyOn(Transcriber, 'load');
    try {
      const r = await runCli('transcribe', '--dereverb', ...files);
      expect(r).toEqual({ code: 0, out: clips.map((c, i) => `${files[i]}: ${c.text}`), err: [] });
      // the flag reaches the transcriber (the sample clips come out the same either way)
      expect(load).toHaveBeenCalledTimes(1);
      expect(load.mock.calls[0][2]).toEqual({ dereverberate: true });
      expect((await load.mock.results[0].value).frontEnd).toEqual({ dereverberate: true });
    } finally {
      load.mockRestore();
    }
    const transcriber = await Transcriber.load(undefined, 'grammar', { dereverberate: true });
    const signal = toMono16k(decodeWav(fs.readFileSync(path.join(AUDIO, clips[1].file))));
    const a = await transcriber.analyze(signal);
    expect(a.features).toEqual(speechFeatures(signal, { dereverberate: true }));
    expect(a.features).not.toEqual(speechFeatures(signal));
    await transcriber.release();
  });

  it('reads each clip at every speed view (1, 0.9, 1.1 unless --speeds says otherwise) and judges with all of them', async () => {
    const transcriber = await Transcriber.load();
    expect(transcriber.speeds).toEqual(SPEED_VIEWS);
    const signal = toMono16k(decodeWav(fs.readFileSync(path.join(AUDIO, clips[1].file))));
    // (decode is private: what it is given is the point here)
    const decode = jest.spyOn(Transcriber.prototype as unknown as { decode(outputs: StepLogits[]): string }, 'decode');
    try {
      expect(await transcriber.transcribe(signal)).toBe(clips[1].text);
      // every member of every view judges, each over its own steps
      const outputs = decode.mock.calls[0][0];
      const members = outputs.length / SPEED_VIEWS.length;
      expect(members).toBeGreaterThan(1);
      expect(outputs.map((o) => o.steps)).toEqual(SPEED_VIEWS.flatMap((speed) => Array(members).fill(modelFeatures(signal, { speed }).steps)));
    } finally {
      decode.mockRestore();
    }
    await transcriber.release();
    const files = clips.map((c) => path.join(AUDIO, c.file));
    const load = jest.spyOn(Transcriber, 'load');
    try {
      const r = await runCli('transcribe', '--speeds', '1', ...files);
      expect(r).toEqual({ code: 0, out: clips.map((c, i) => `${files[i]}: ${c.text}`), err: [] });
      expect(load.mock.calls[0][2]).toEqual({ dereverberate: false, speeds: [1] });
      expect((await load.mock.results[0].value).speeds).toEqual([1]);
    } finally {
      load.mockRestore();
    }
    expect(await runCli('transcribe', '--speeds', '1,2', files[0])).toEqual({ code: 1, out: [], err: ["rnnkit: speed views: 2 is outside 0.85–1.25 (training's speed perturbation range)"] });
    await expect(Transcriber.load(undefined, 'grammar', { speeds: [] })).rejects.toThrow('speed views: give 1 to 5 speeds, not 0');
    // analyze shows the clip as recorded (its own time axis), whichever view comes first
    const faster = await Transcriber.load(undefined, 'grammar', { speeds: [1.1, 1] });
    const a = await faster.analyze(signal);
    expect([a.text, a.features, a.posteriors.steps]).toEqual([clips[1].text, speechFeatures(signal), modelFeatures(signal).steps]);
    await faster.release();
  });

  it('reports corrupt, empty, too-long (over 1 hour) and non-audio files and still transcribes the others', async () => {
    const good = path.join(AUDIO, clips[0].file);
    const empty = path.join(tmp, 'empty.wav');
    const corrupt = path.join(tmp, 'corrupt.wav');
    const long = path.join(tmp, 'long.wav');
    const text = path.join(tmp, 'notes.wav');
    fs.writeFileSync(empty, '');
    fs.writeFileSync(corrupt, fs.readFileSync(good).subarray(0, 60));
    fs.writeFileSync(long, rawWav({ format: 7, bits: 8, rate: 4000, data: new Uint8Array(4000 * 3601).fill(0xff) })); // μ-law silence
    fs.writeFileSync(text, 'these are my notes, not audio');
    const r = await runCli('transcribe', empty, good, corrupt, long, text, path.join(tmp, 'missing.wav'));
    expect(r.code).toBe(1);
    expect(r.out).toEqual([`${good}: ${clips[0].text}`]);
    expect(r.err).toEqual([
      `rnnkit: ${empty}: empty file`,
      expect.stringMatching(new RegExp(`^rnnkit: ${corrupt}: truncated: the data chunk declares \\d+ bytes, the file holds 16$`)),
      `rnnkit: ${long}: too long: 3601.0 s (audio up to 3600 s)`,
      `rnnkit: ${text}: unknown audio format (starts with "thes"; supported: WAV (PCM, float, A-law, μ-law), MP3, FLAC, Ogg Vorbis, Ogg Opus)`,
      `rnnkit: ${path.join(tmp, 'missing.wav')}: cannot read: ENOENT`,
    ]);
  });
});
