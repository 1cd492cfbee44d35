import * as fs from 'fs';
import * as path from 'path';
import { adam, fit, loadModel, mse, saveModel, Sequential, type FitState } from '../src';
import { modelFromJSON, modelToJSON } from '../src/io/model-file';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors';
import { loadCheckpoint, saveCheckpoint } from '../src/train/checkpoint';
import { randomSeq } from './helpers/data';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-st-');
const bytesOf = (a: ArrayLike<number>) => {
  const v = a as unknown as ArrayBufferView;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
};
const bits = (m: Sequential) => m.getWeights().map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('hex'));

describe('model files in the safetensors layout', () => {
  it.each(['float32', 'float64'] as const)('a %s model round-trips bit for bit; the loader recognises the layout by content', (dtype) => {
    const model = new Sequential({ inputFeatures: 3, seed: 4, dtype, layers: [{ type: 'lstm', hiddenSize: 5, bidirectional: true }, { type: 'dense', units: 2 }] });
    const file = path.join(tmp, `m-${dtype}.safetensors`);
    saveModel(model, file);
    const back = loadModel(file);
    expect(back.config).toEqual(model.config);
    expect(bits(back)).toEqual(bits(model));
    fs.copyFileSync(file, path.join(tmp, 'renamed.bin'));
    expect(bits(loadModel(path.join(tmp, 'renamed.bin')))).toEqual(bits(model));
  });

  it('follows the safetensors layout (what the Python package reads): u64 header length, JSON header, aligned little-endian data', () => {
    const model = new Sequential({ inputFeatures: 3, seed: 4, layers: [{ type: 'gru', hiddenSize: 3 }] });
    const file = path.join(tmp, 'layout.safetensors');
    saveModel(model, file);
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    expect(header.__metadata__).toEqual({ format: 'rnnkit-model', version: '2', config: JSON.stringify(model.config) });
    const p = model.params()[0];
    expect(header['0.weight_ih']).toEqual({ dtype: 'F32', shape: [9, 3], data_offsets: [0, 108] });
    expect(bytes.subarray(8 + n, 8 + n + 108)).toEqual(Buffer.from(p.value.buffer, p.value.byteOffset, p.value.byteLength));
    const last = Object.values(header).filter((t: any) => t.data_offsets).map((t: any) => t.data_offsets[1]);
    expect(Math.max(...last)).toBe(bytes.length - 8 - n);
  });

  const model = () => new Sequential({ inputFeatures: 2, layers: [{ type: 'rnn', hiddenSize: 2 }] });
  const craft = (change: (header: any) => void, truncate = 0) => {
    const chunks = encodeSafetensors([{ name: '0.weight_ih', dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }], { format: 'rnnkit-model', version: '2', config: JSON.stringify(model().config) });
    const n = Number(Buffer.from(chunks[0]).readBigUInt64LE(0));
    const header = JSON.parse(Buffer.from(chunks[1]).toString());
    change(header);
    const json = Buffer.from(JSON.stringify(header).padEnd(n, ' '));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    const file = path.join(tmp, 'crafted.safetensors');
    const all = Buffer.concat([len, json, Buffer.from(chunks[2])]);
    fs.writeFileSync(file, all.subarray(0, all.length - truncate));
    return () => loadModel(file);
  };
  it.each([
    ['a tensor claiming 1e9 x 1e9 values', (h: any) => (h['0.weight_ih'].shape = [1e9, 1e9]), /crafted\.safetensors: malformed safetensors file: tensor 0\.weight_ih: shape 1000000000x1000000000 F32 needs 4000000000000000000 bytes, data_offsets give 16/],
    ['data_offsets past the end', (h: any) => (h['0.weight_ih'] = { dtype: 'F32', shape: [2, 2000], data_offsets: [0, 16000] }), /tensor 0\.weight_ih: its data ends at byte 16000, past the end of the file/],
    ['an unsupported dtype', (h: any) => (h['0.weight_ih'].dtype = 'BF16'), /dtype "BF16" is not supported/],
    ['a config over the limits', (h: any) => (h.__metadata__.config = JSON.stringify({ inputFeatures: 2, layers: [{ type: 'rnn', hiddenSize: 1e6 }] })), /invalid config: config\.layers\[0\]\.hiddenSize: 1000000 is over the limit of 8192/],
    ['tensors missing for the config', () => undefined, /config implies 4 parameter tensors, file has 1/],
  ])('%s is refused before allocating', (_name, change, message) => {
    expect(craft(change)).toThrow(message);
  });

  it('a header longer than the file is refused', () => {
    const file = path.join(tmp, 'short.safetensors');
    const b = Buffer.alloc(16, 0x20);
    b.writeBigUInt64LE(1000n);
    b[8] = 0x7b;
    fs.writeFileSync(file, b);
    expect(() => loadModel(file)).toThrow(/short\.safetensors: not valid JSON|header of 1000 bytes does not fit/);
  });
});

describe('the GRU form (resetAfter: false) is part of the saved config', () => {
  const model = new Sequential({ inputFeatures: 3, seed: 4, layers: [{ type: 'gru', hiddenSize: 4, bidirectional: true, resetAfter: false }, { type: 'dense', units: 2 }] });
  const x = randomSeq('float32', 2, 5, 3);
  it('in model files (safetensors and JSON) and checkpoints', () => {
    const ckpt = path.join(tmp, 'gru-reset-before.ckpt');
    const data = { x: randomSeq('float32', 4, 5, 3), y: randomSeq('float32', 4, 5, 2) };
    fit(model, data, { loss: mse(), optimizer: adam(), epochs: 1, batchSize: 4, log: false, checkpoint: { path: ckpt } });
    const file = path.join(tmp, 'gru-reset-before.safetensors');
    saveModel(model, file);
    for (const back of [loadModel(file), modelFromJSON(modelToJSON(model)), loadCheckpoint(ckpt).model]) {
      expect(back.config.layers[0]).toMatchObject({ type: 'gru', resetAfter: false });
      expect(back.predict(x).data).toEqual(model.predict(x).data);
    }
  });
  it('raises the file version so that an older rnnkit refuses it rather than running the default GRU', () => {
    const file = path.join(tmp, 'gru-version.safetensors');
    saveModel(model, file);
    expect(decodeSafetensors(fs.readFileSync(file)).metadata.version).toBe('3');
    expect(modelToJSON(model).version).toBe(2);
    const plain = new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 2 }] });
    expect(modelToJSON(plain).version).toBe(1);
    saveModel(plain, file);
    expect(decodeSafetensors(fs.readFileSync(file)).metadata.version).toBe('2');
    expect(() => modelFromJSON({ ...modelToJSON(plain), version: 3 })).toThrow(/version 3 is newer than this rnnkit supports \(2\)/);
  });
  it('a resetAfter that is not a boolean is refused', () => {
    const json = modelToJSON(model);
    (json.config.layers[0] as unknown as Record<string, unknown>).resetAfter = 'no';
    expect(() => modelFromJSON(json)).toThrow(/resetAfter/);
  });
});

describe('checkpoints in the safetensors layout', () => {
  it('a version 1 (JSON) checkpoint still loads and resumes', () => {
    const m = new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'gru', hiddenSize: 3, returnSequences: false }, { type: 'dense', units: 1 }] });
    const data = { x: randomSeq('float32', 8, 4, 2), y: randomSeq('float32', 8, 1, 1) };
    const file = path.join(tmp, 'v2.ckpt');
    fit(m, data, { loss: mse(), optimizer: adam(), epochs: 1, batchSize: 4, log: false, checkpoint: { path: file } });
    const binary = loadCheckpoint(file);
    const v1 = path.join(tmp, 'v1.json');
    const state = { ...binary.state, optimizer: { step: binary.state.optimizer.step, slots: { buffers: binary.state.optimizer.slots.buffers.map((b) => Array.from(b)) } } };
    fs.writeFileSync(v1, JSON.stringify({ format: 'rnnkit-checkpoint', version: 1, model: modelToJSON(binary.model), state }, (_k, v) => (v === Infinity ? null : v)));
    const json = loadCheckpoint(v1);
    expect(bits(json.model)).toEqual(bits(binary.model));
    const a = fit(binary.model, data, { loss: mse(), optimizer: adam(), epochs: 2, batchSize: 4, log: false, resumeFrom: binary.state });
    const b = fit(json.model, data, { loss: mse(), optimizer: adam(), epochs: 2, batchSize: 4, log: false, resumeFrom: json.state });
    expect(b.loss).toEqual(a.loss);
    expect(bits(json.model)).toEqual(bits(binary.model));
  });

  it('a 12 M-parameter model with Adam moments checkpoints and loads in seconds (JSON checkpoints failed: "Invalid string length")', () => {
    const model = new Sequential({ inputFeatures: 64, seed: 1, layers: [{ type: 'lstm', hiddenSize: 1700 }] });
    const P = model.parameterCount();
    expect(P).toBeGreaterThan(12e6);
    const moments = model.params().flatMap((p) => [Float64Array.from(p.value), new Float64Array(p.value.length).fill(1e-3)]);
    const state: FitState = {
      epoch: 1, batchStart: 0, order: Array.from({ length: 1000 }, (_, i) => 999 - i), shuffleRng: [1, 2, 3, 4, NaN], modelRng: [5, 6, 7, 8, NaN],
      optimizer: { step: 10, slots: { buffers: moments } }, lr: 0.001, step: 10, epochLossSum: 0, epochCount: 0, epochNormSum: 0, epochBatches: 0,
      history: { loss: [1], valLoss: [], lr: [0.001], gradNorm: [1], bestEpoch: 0, stoppedEarly: false, interrupted: false },
      best: 1, sinceBest: 0, bestWeights: model.getWeights(), elapsedSeconds: 3, finished: false,
    };
    const file = path.join(tmp, 'big.ckpt');
    const t0 = Date.now();
    saveCheckpoint(file, model, state);
    const saveSeconds = (Date.now() - t0) / 1000;
    expect(fs.statSync(file).size).toBeGreaterThan(P * (4 + 16 + 4));
    expect(fs.statSync(file).size).toBeLessThan(P * (4 + 16 + 4) + 1e6);
    const t1 = Date.now();
    const back = loadCheckpoint(file);
    const loadSeconds = (Date.now() - t1) / 1000;
    // Byte comparisons: jest's deep equality takes minutes on arrays of millions.
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
    expect(model.params().every((p, i) => same(back.model.params()[i].value, p.value))).toBe(true);
    expect(moments.every((m, i) => same(back.state.optimizer.slots.buffers[i], m))).toBe(true);
    expect(same(back.state.bestWeights![1], state.bestWeights![1])).toBe(true);
    expect(back.state.order.slice(0, 3)).toEqual([999, 998, 997]);
    expect(saveSeconds + loadSeconds).toBeLessThan(30);
  }, 120_000);
});

it('the layout has no header of another kind at its start', () => {
  expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/too short for a safetensors header/);
});
