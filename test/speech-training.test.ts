import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../src/core/rng';
import { saveCorpus, sampleText, type Utterance } from '../src/speech/corpus';
import { FEATURE_DIM } from '../src/speech/features';
import { importOnnxFile } from '../src/onnx/import';
import { ensembleMemberCountOfFile, saveEnsembleOnnx } from '../src/onnx/ensemble';
import { MAX_ONNX_BYTES } from '../src/limits';
import { Sequential, saveModel } from '../src';
import { loadSpeechCheckpoint, saveSpeechCheckpoint } from '../src/speech/training-checkpoint';
import { decodeSafetensors, encodeSafetensors, tensorValues } from '../src/io/safetensors';
import { CLASSES } from '../src/speech/vocabulary';
import { tempDir } from './helpers/temp-dir';

const ROOT = path.join(__dirname, '..');
const dir = tempDir('rnnkit-train-speech-');

/** A tiny corpus of random features (the script's mechanics, not what it learns, are under test). */
function writeCorpus(name: string, count: number, seed: number): void {
  const rng = new Rng(seed);
  const utterances: Utterance[] = [];
  const chunks: number[] = [];
  for (let i = 0; i < count; i++) {
    const text = sampleText(rng);
    const steps = 12 + 4 * text.split(' ').length + rng.int(6);
    utterances.push({ text, voice: 'test', condition: 'train', steps, offset: chunks.length });
    for (let k = 0; k < steps * FEATURE_DIM; k++) chunks.push(rng.normal());
  }
  saveCorpus({ featureDim: FEATURE_DIM, utterances, features: Float32Array.from(chunks) }, path.join(dir, name));
}

/** npm run train:speech on the tiny corpus with a tiny model; `run` names its models dir. */
function train(run: string, ...extra: string[]): string {
  const base: Record<string, string> = { data: dir, 'models-dir': path.join(dir, run), hidden: '6', batch: '8', average: '0.9' };
  // An option in `extra` replaces the base one (the scripts refuse an option given twice).
  const args = [...Object.entries(base).flatMap(([k, v]) => (extra.includes(`--${k}`) ? [] : [`--${k}`, v])), ...extra];
  return execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'train-speech.ts'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
}

function failure(run: string, ...extra: string[]): string {
  try {
    train(run, ...extra);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error('the run was expected to fail');
}

const read = (run: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, run, file), 'utf8'));
const checkpointFile = (run: string) => path.join(dir, run, 'train-checkpoint.safetensors');
const checkpoint = (run: string) => loadSpeechCheckpoint(checkpointFile(run));

/** Rewrites a run's checkpoint in the JSON layout train-speech wrote before (the state, the weights beside it). */
function toJsonLayout(run: string, edit: (state: Record<string, unknown>) => void = () => {}): void {
  const { model, state } = checkpoint(run);
  const modelFile = `train-checkpoint-model-${state.epoch}.json`;
  saveModel(model, path.join(dir, run, modelFile));
  const json: Record<string, unknown> = {
    ...state, modelFile, bestWer: Number.isFinite(state.bestWer) ? state.bestWer : null,
    optimizer: { step: state.optimizer.step, slots: { buffers: state.optimizer.slots.buffers.map((b) => Array.from(b)) } },
    average: state.average && { updates: state.average.updates, values: state.average.values.map((v) => Array.from(v)) },
  };
  edit(json);
  fs.writeFileSync(path.join(dir, run, 'train-checkpoint.json'), JSON.stringify(json));
  fs.rmSync(checkpointFile(run));
}

describe('train:speech (scripts/train-speech.ts)', () => {
  beforeAll(() => {
    writeCorpus('train', 40, 1);
    writeCorpus('val', 12, 2);
  });

  it('resumed after an epoch, ends bit for bit where an uninterrupted run ends (batch order, masks, dropout, average)', () => {
    train('whole', '--epochs', '3');
    train('parts', '--epochs', '1');
    expect(train('parts', '--epochs', '3', '--resume')).toMatch(/resuming after epoch 1/);
    // one file holds the weights, moments, average, generator states and settings: the same bytes either way
    expect(fs.readFileSync(checkpointFile('parts')).equals(fs.readFileSync(checkpointFile('whole')))).toBe(true);
    const { state } = checkpoint('whole');
    expect(state.epoch).toBe(3);
    expect(state.average!.values.length).toBeGreaterThan(0);
    expect(state.optimizer.slots.buffers.length).toBe(2 * state.average!.values.length); // Adam's two moments
    for (const run of ['whole', 'parts']) expect(fs.readdirSync(path.join(dir, run)).filter((f) => f.startsWith('train-checkpoint'))).toEqual(['train-checkpoint.safetensors']);
    expect(read('parts', 'speech.json')).toEqual(read('whole', 'speech.json'));
  });

  it('resumes from a checkpoint of the JSON layout it wrote before, bit for bit, and replaces it with the binary one', () => {
    train('json', '--epochs', '1');
    toJsonLayout('json');
    expect(train('json', '--epochs', '3', '--resume')).toMatch(/resuming after epoch 1/);
    expect(fs.readdirSync(path.join(dir, 'json')).filter((f) => f.startsWith('train-checkpoint'))).toEqual(['train-checkpoint.safetensors']);
    expect(fs.readFileSync(checkpointFile('json')).equals(fs.readFileSync(checkpointFile('whole')))).toBe(true);
  });

  it('a resume with other settings, or without a checkpoint, is refused naming the cause', () => {
    expect(failure('whole', '--epochs', '4', '--resume', '--average', '0.5')).toMatch(/was made with average 0\.9; this run asks for average 0\.5/);
    expect(failure('whole', '--epochs', '4', '--resume', '--seed', '3')).toMatch(/was made with seed 17; this run asks for seed 3/);
    expect(failure('none', '--epochs', '1', '--resume')).toMatch(/--resume: no checkpoint at .*none.*train-checkpoint\.safetensors/);
    expect(failure('whole', '--epochs', '4', '--resume', '--conv-filters', '4')).toMatch(/was made with convFilters 0; this run asks for convFilters 4/);
    expect(failure('whole', '--epochs', '4', '--resume', '--warp', '0.25')).toMatch(/was made with warp 0; this run asks for warp 0\.25/);
  });

  it('--conv-filters puts a conv1d front end before the GRUs, in the saved model and its ONNX export, and resumes', () => {
    train('conv', '--epochs', '1', '--conv-filters', '4');
    const model = read('conv', 'speech.json');
    expect(model.config.layers[0]).toEqual({ type: 'conv1d', filters: 4, kernelSize: 5, activation: 'relu' });
    expect(model.config.layers[1].type).toBe('gru');
    expect(checkpoint('conv').state.settings.convFilters).toBe(4);
    const exported = importOnnxFile(path.join(dir, 'conv', 'speech.onnx')).model;
    expect(exported.layers.map((l) => l.type)).toEqual(['conv1d', 'gru', 'gru', 'dense']);
    expect(train('conv', '--epochs', '2', '--resume', '--conv-filters', '4')).toMatch(/resuming after epoch 1/);
  });

  it('a checkpoint from before --conv-filters and --init (no such settings) resumes as one without either', () => {
    train('old', '--epochs', '1');
    toJsonLayout('old', (ck) => {
      const settings = ck.settings as Record<string, unknown>;
      delete settings.convFilters;
      delete settings.init; // nor --init
      delete settings.warp; // nor --warp
    });
    expect(train('old', '--epochs', '2', '--resume')).toMatch(/resuming after epoch 1/);
    // without its settings and generator states (the first train-speech's checkpoints): refused, saying why
    toJsonLayout('old', (ck) => delete ck.batchRng);
    expect(failure('old', '--epochs', '3', '--resume')).toMatch(/an older train-speech without its settings and generator states; start again without --resume/);
  });

  it('--init starts from a saved model (fine-tuning), refuses one of other layers, and resumes only with the same --init', () => {
    train('base', '--epochs', '1', '--average', '0');
    const init = path.join(dir, 'base', 'speech.json');
    // a tiny lr: the saved model is the initial one to within its steps (a fresh start is ~1e-3 away: base's training)
    train('tuned', '--epochs', '1', '--average', '0', '--init', init, '--lr', '1e-12');
    const weights = (run: string) => (read(run, 'speech.json').params as { data: string }[])
      .flatMap((p) => Array.from(new Float32Array(Uint8Array.from(Buffer.from(p.data, 'base64')).buffer)));
    const [tuned, base] = [weights('tuned'), weights('base')];
    expect(tuned.length).toBe(base.length);
    expect(Math.max(...tuned.map((w, i) => Math.abs(w - base[i])))).toBeLessThan(1e-9);
    expect(checkpoint('tuned').state.settings.init).toBe(init);
    expect(train('tuned2', '--epochs', '1', '--average', '0', '--init', init)).toMatch(/--init .*base.speech\.json: val WER [\d.]+% before fine-tuning/);
    expect(failure('wide', '--epochs', '1', '--init', init, '--hidden', '7')).toMatch(/--init .*base.speech\.json: its layers .* are not the ones these options build \(.*: config\.layers\[0\]\.hiddenSize is \d+ against 7\)/s);
    expect(failure('tuned2', '--epochs', '2', '--average', '0', '--resume')).toMatch(/was made with init .*base.speech\.json; this run asks for init none/);
    // the same --init resumes, from the checkpoint's weights: the --init file is no longer read
    fs.renameSync(init, `${init}.moved`);
    try {
      const resumed = train('tuned2', '--epochs', '2', '--average', '0', '--init', init, '--resume');
      expect(resumed).toMatch(/resuming after epoch 1/);
      expect(resumed).not.toMatch(/before fine-tuning/);
    } finally {
      fs.renameSync(`${init}.moved`, init);
    }
  });

  it("refuses, before reading the corpus, to write its one model over an ensemble's speech.onnx, unless --replace-ensemble", () => {
    const onnxFile = path.join(dir, 'shipped', 'speech.onnx');
    fs.mkdirSync(path.dirname(onnxFile), { recursive: true });
    const member = (seed: number) => new Sequential({ inputFeatures: FEATURE_DIM, seed, layers: [{ type: 'gru', hiddenSize: 3 }, { type: 'dense', units: CLASSES }] });
    saveEnsembleOnnx([member(1), member(2), member(3)], onnxFile);
    const before = fs.readFileSync(onnxFile);
    // --data names no corpus: the refusal comes first
    const message = failure('shipped', '--epochs', '1', '--data', path.join(dir, 'no-such-corpus'));
    expect(message).toContain(`${onnxFile} is an ensemble of 3 models`);
    expect(message).toMatch(/--models-dir DIR.*npm run speech:ensemble.*--replace-ensemble/s);
    expect(fs.readFileSync(onnxFile)).toEqual(before);
    train('shipped', '--epochs', '1', '--replace-ensemble');
    expect(ensembleMemberCountOfFile(onnxFile)).toBe(0);
    expect(importOnnxFile(onnxFile).model.layers.map((l) => l.type)).toEqual(['gru', 'gru', 'dense']);
    // a single model's speech.onnx is replaced without the flag
    train('shipped', '--epochs', '1');
  });

  it('reads an ONNX file for its member count only up to the importer\'s size bound', () => {
    const huge = path.join(dir, 'huge.onnx');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, MAX_ONNX_BYTES + 1); // sparse: no disk used, the size is what is checked
    expect(() => ensembleMemberCountOfFile(huge)).toThrow(`${huge}: too large: 2147.5 MB (files up to 2147 MB)`);
    fs.rmSync(huge);
    expect(() => ensembleMemberCountOfFile(path.join(dir, 'absent.onnx'))).toThrow(/absent\.onnx: cannot read: ENOENT/);
  });

  it('--warp warps the training batches (another model than without), is kept for a resume, and is bounded', () => {
    train('warp', '--epochs', '1', '--warp', '0.25');
    train('nowarp', '--epochs', '1');
    expect(checkpoint('warp').state.settings.warp).toBe(0.25);
    expect(read('warp', 'speech.json').params).not.toEqual(read('nowarp', 'speech.json').params);
    expect(train('warp', '--epochs', '2', '--resume', '--warp', '0.25')).toMatch(/resuming after epoch 1/);
    expect(failure('bad', '--warp', '0.9')).toMatch(/--warp is a strength in \[0, 0\.6\], not 0\.9/);
  });

  it('a checkpoint that is not whole, of another kind, or whose state does not fit its model is refused naming the problem', () => {
    const { model, state } = checkpoint('whole');
    const file = path.join(dir, 'crafted.safetensors');
    const refusal = () => { try { loadSpeechCheckpoint(file); } catch (err) { return (err as Error).message; } throw new Error('expected a refusal'); };
    fs.writeFileSync(file, fs.readFileSync(checkpointFile('whole')).subarray(0, 5000));
    expect(refusal()).toMatch(/crafted\.safetensors: malformed safetensors file/);
    fs.writeFileSync(file, Buffer.concat(encodeSafetensors([], { format: 'rnnkit-model', version: '2', config: '{}' })));
    expect(refusal()).toContain('not a train:speech checkpoint (format "rnnkit-model")');
    saveSpeechCheckpoint(file, model, { ...state, average: { updates: 3, values: state.average!.values.slice(1) } });
    const params = state.average!.values.length;
    expect(refusal()).toContain(`corrupt training state: state.average.values: holds ${params - 1} vectors, the model ${params} parameters`);
    saveSpeechCheckpoint(file, model, { ...state, average: { updates: 3, values: [state.average!.values[1], ...state.average!.values.slice(1)] } });
    expect(refusal()).toMatch(/corrupt training state: state\.average\.values\[0\]: has \d+ values, the parameter \d+/);
    saveSpeechCheckpoint(file, model, { ...state, optimizer: { step: 4, slots: { buffers: state.optimizer.slots.buffers.slice(1) } } });
    expect(refusal()).toMatch(/corrupt training state: state\.optimizer\.slots\.buffers: has \d+ moment buffers for \d+ parameters/);
    saveSpeechCheckpoint(file, model, { ...state, batchRng: [1, 2, 3] });
    expect(refusal()).toMatch(/corrupt training state: state\.batchRng: has 3 entries, expected 5/);
    saveSpeechCheckpoint(file, model, { ...state, epoch: -1 });
    expect(refusal()).toMatch(/corrupt training state: state\.epoch/);
    // counts and version in the metadata: bounded by the model, refused by name
    const withMetadata = (edit: (meta: Record<string, string>) => void) => {
      saveSpeechCheckpoint(file, model, state);
      const decoded = decodeSafetensors(fs.readFileSync(file));
      const meta = { ...decoded.metadata };
      edit(meta);
      const tensors = [...decoded.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, data: tensorValues(t) }));
      fs.writeFileSync(file, Buffer.concat(encodeSafetensors(tensors, meta)));
    };
    withMetadata((meta) => { meta.optimizerBuffers = String(3 * params + 1); });
    expect(refusal()).toMatch(/crafted\.safetensors: the metadata holds no valid "optimizerBuffers"/);
    withMetadata((meta) => { meta.averageValues = String(params + 1); });
    expect(refusal()).toMatch(/the metadata holds no valid "averageValues"/);
    withMetadata((meta) => { delete meta.version; });
    expect(refusal()).toMatch(/train:speech checkpoint has no valid version \(undefined\)/);
    withMetadata((meta) => { meta.version = '2'; });
    expect(refusal()).toMatch(/train:speech checkpoint version 2 is newer than this rnnkit supports \(1\); upgrade rnnkit/);
    withMetadata((meta) => { meta.state = '{'; });
    expect(refusal()).toMatch(/the metadata holds no valid "state"/);
    // and a whole one comes back as it was written, Infinity included
    saveSpeechCheckpoint(file, model, { ...state, bestWer: Infinity, average: undefined });
    const back = loadSpeechCheckpoint(file);
    expect(back.state.bestWer).toBe(Infinity);
    expect(back.state.average).toBeUndefined();
    expect(back.state.optimizer.slots.buffers.map((b) => Array.from(b))).toEqual(state.optimizer.slots.buffers.map((b) => Array.from(b)));
    expect(back.model.params().map((p) => Array.from(p.value))).toEqual(model.params().map((p) => Array.from(p.value)));
  });

  it('refuses option values that are not numbers of the right kind, and options it does not have', () => {
    expect(failure('bad', '--conv-filters=-3')).toMatch(/--conv-filters takes a whole number, not "-3"/);
    expect(failure('bad', '--lr', 'abc')).toMatch(/--lr takes a number, not "abc"/);
    expect(failure('bad', '--epoch', '3')).toMatch(/Unknown option '--epoch'.*options: --epochs <value>/s);
  });
});
