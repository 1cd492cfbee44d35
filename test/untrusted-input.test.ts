import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { modelToJSON, Sequential } from '../src';
import { exportOnnx } from '../src/onnx/export';
import { importOnnx } from '../src/onnx/import';
import { bfloat16ToFloat, floatToHalf, halfToFloat } from '../src/onnx/tensor';
import { saveCheckpoint, loadCheckpoint } from '../src/train/checkpoint';
import { runCliMeasured } from './helpers/measured-cli';
import { tempDir } from './helpers/temp-dir';
import { editCheckpoint } from './helpers/checkpoint-edit';

const tmp = tempDir('rnnkit-untrusted-');
const DT = onnx.TensorProto.DataType;

/** An rnnkit export with its initializers rewritten by `change` (dims, data type, data). */
function rewritten(model: Sequential, change: (t: onnx.ITensorProto) => void): Uint8Array {
  const proto = onnx.ModelProto.decode(exportOnnx(model));
  for (const t of proto.graph!.initializer!) if (t.dataType === DT.FLOAT) change(t);
  return onnx.ModelProto.encode(proto).finish();
}

const floatsOf = (t: onnx.ITensorProto) => new Float32Array(Uint8Array.from(t.rawData!).buffer);
const gru = () => new Sequential({ inputFeatures: 4, seed: 2, layers: [{ type: 'gru', hiddenSize: 3, bidirectional: true }, { type: 'dense', units: 2 }] });

describe('ONNX initializers of every floating-point type are converted, never NaN', () => {
  const model = gru();
  const weights = model.getWeights();

  it('DOUBLE, as raw data and as double_data, imports the exact float32 weights', () => {
    const raw = rewritten(model, (t) => Object.assign(t, { dataType: DT.DOUBLE, rawData: new Uint8Array(Float64Array.from(floatsOf(t)).buffer) }));
    const typed = rewritten(model, (t) => Object.assign(t, { dataType: DT.DOUBLE, doubleData: Array.from(floatsOf(t)), rawData: new Uint8Array(0) }));
    expect(importOnnx(raw).model.getWeights()).toEqual(weights);
    expect(importOnnx(typed).model.getWeights()).toEqual(weights);
  });

  it('FLOAT16 (raw data and int32_data) and BFLOAT16 import the rounded weights', () => {
    const halves = (t: onnx.ITensorProto) => Uint16Array.from(floatsOf(t), floatToHalf);
    const raw = rewritten(model, (t) => Object.assign(t, { dataType: DT.FLOAT16, rawData: new Uint8Array(halves(t).buffer) }));
    const typed = rewritten(model, (t) => Object.assign(t, { dataType: DT.FLOAT16, int32Data: Array.from(halves(t)), rawData: new Uint8Array(0) }));
    const bf16 = rewritten(model, (t) => Object.assign(t, { dataType: DT.BFLOAT16, rawData: new Uint8Array(Uint16Array.from(new Uint32Array(floatsOf(t).buffer), (b) => b >>> 16).buffer) }));
    const expectedHalf = weights.map((w) => Float32Array.from(w, (v) => halfToFloat(floatToHalf(v))));
    const expectedBf16 = weights.map((w) => Float32Array.from(new Uint32Array(Float32Array.from(w).buffer), (b) => bfloat16ToFloat(b >>> 16)));
    for (const [bytes, expected] of [[raw, expectedHalf], [typed, expectedHalf], [bf16, expectedBf16]] as const) {
      const got = importOnnx(bytes).model.getWeights();
      expect(got).toEqual(expected);
      expect(got.every((w) => w.every(Number.isFinite))).toBe(true);
      // Rounding only: every weight within float16's (or bfloat16's) relative precision.
      got.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - weights[i][k])).toBeLessThanOrEqual(Math.abs(weights[i][k]) * 2 ** -7 + 1e-7)));
    }
  });

  it('half-precision decoding handles subnormals, infinities and NaN bit patterns', () => {
    expect([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000].map(halfToFloat)).toEqual([1, -2, 2 ** -24, 65504, Infinity, -0]);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(bfloat16ToFloat(0x3f80)).toBe(1);
  });

  it.each([
    ['NaN weights', (t: onnx.ITensorProto) => Object.assign(t, { rawData: new Uint8Array(floatsOf(t).map((v, i) => (i === 0 ? NaN : v)).buffer) }), /tensor '.*': value 0 is NaN \(weights must be finite\)/],
    ['an infinite FLOAT16 weight', (t: onnx.ITensorProto) => Object.assign(t, { dataType: DT.FLOAT16, rawData: new Uint8Array(Uint16Array.from(floatsOf(t), () => 0x7c00).buffer) }), /value 0 is Infinity/],
    ['INT8 weights', (t: onnx.ITensorProto) => Object.assign(t, { dataType: DT.INT8, rawData: new Uint8Array(floatsOf(t).length) }), /data type INT8 is not supported \(FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT32, INT64\)/],
    ['external data', (t: onnx.ITensorProto) => Object.assign(t, { dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, rawData: new Uint8Array(0), externalData: [{ key: 'location', value: '/etc/passwd' }] }), /its data is in an external file, which rnnkit does not read/],
    ['negative dims', (t: onnx.ITensorProto) => Object.assign(t, { dims: [-1, ...t.dims!.slice(1)] }), /invalid dims -1x/],
  ])('%s are refused clearly', (_name, change, message) => {
    expect(() => importOnnx(rewritten(model, change), 'crafted.onnx')).toThrow(message);
  });
});

/**
 * The crafted files: a few hundred bytes claiming gigabytes. Each runs the CLI in a child
 * process and must fail with a clear message, in seconds, with peak memory under 1 GB.
 */
describe('crafted small files are refused before allocating (CLI, peak RSS < 1 GB)', () => {
  const write = (name: string, data: string | Uint8Array) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, data);
    return file;
  };
  const claim = (t: onnx.ITensorProto, dims: number[], dataType: number, bytes: number) => Object.assign(t, { dims, dataType, rawData: new Uint8Array(bytes) });
  const bigGruOnnx = (H: number) => rewritten(new Sequential({ inputFeatures: 4, layers: [{ type: 'gru', hiddenSize: 3 }] }), (t) => {
    if (t.dims!.length === 3 && t.dims![2] === 3) claim(t, [1, 3 * H, H], DT.DOUBLE, 8); // R
    else if (t.dims!.length === 3) claim(t, [1, 3 * H, 4], DT.DOUBLE, 8); // W
  });
  const gatherOnnx = (rows: number) => rewritten(new Sequential({ inputFeatures: 1, layers: [{ type: 'embedding', vocabSize: 3, embeddingDim: 1 }] }), (t) => claim(t, [rows, 1], DT.INT64, 8));
  const tinyModelJson = (H: number) => JSON.stringify({ format: 'rnnkit-model', version: 1, config: { inputFeatures: 1, layers: [{ type: 'gru', hiddenSize: H }] }, params: [] });
  const smallCheckpoint = () => {
    const file = path.join(tmp, 'real-ckpt.json');
    const model = new Sequential({ inputFeatures: 1, layers: [{ type: 'gru', hiddenSize: 2 }] });
    saveCheckpoint(file, model, { epoch: 0, batchStart: 0, order: [0], shuffleRng: [1, 2, 3, 4, NaN], modelRng: [1, 2, 3, 4, NaN], optimizer: { step: 0, slots: {} }, lr: 0.01, step: 0, epochLossSum: 0, epochCount: 0, epochNormSum: 0, epochBatches: 0, history: { loss: [], valLoss: [], lr: [], gradNorm: [], bestEpoch: 0, stoppedEarly: false, interrupted: false }, best: Infinity, sinceBest: 0, bestWeights: null, elapsedSeconds: 0, finished: false });
    expect(loadCheckpoint(file).model.parameterCount()).toBe(model.parameterCount());
    // The params stay those of hiddenSize 2; only the config claims 8000.
    editCheckpoint(file, path.join(tmp, 'ckpt.bin'), (c) => (c.config.layers[0].hiddenSize = 8000));
    const json = { format: 'rnnkit-checkpoint', version: 1, model: modelToJSON(model), state: {} };
    json.model.config.layers[0] = { type: 'gru', hiddenSize: 8000 };
    fs.writeFileSync(path.join(tmp, 'ckpt-v1.json'), JSON.stringify(json));
  };
  const spec = (change: (s: Record<string, any>) => void) => {
    const s: Record<string, any> = { model: { inputFeatures: 2, layers: [{ type: 'gru', hiddenSize: 8 }, { type: 'dense', units: 1 }] }, data: { task: 'adding', sequences: 8, time: 4, seed: 1 }, loss: 'mse', epochs: 1 };
    change(s);
    return JSON.stringify(s);
  };

  /** A 10-minute 384 kHz stereo 32-bit WAV of 1.9 GB, as a sparse file: only its header takes disk space. */
  const hugeWav = () => {
    const file = path.join(tmp, 'huge.wav');
    const dataBytes = 600 * 384000 * 2 * 4;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + dataBytes, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(2, 22);
    header.writeUInt32LE(384000, 24);
    header.writeUInt32LE(384000 * 8, 28);
    header.writeUInt16LE(8, 32);
    header.writeUInt16LE(32, 34);
    header.write('data', 36);
    header.writeUInt32LE(dataBytes, 40);
    fs.writeFileSync(file, header);
    fs.truncateSync(file, 44 + dataBytes);
    return file;
  };

  const cases: [string, () => string[], RegExp][] = [
    ['WAV of 1.9 GB at 384 kHz (10 minutes)', () => ['transcribe', hugeWav()], /huge\.wav: too large: 1843\.2 MB \(files up to 1100 MB\)/],
    ['DOUBLE GRU claiming H=20000', () => ['import-onnx', write('gru20000.onnx', bigGruOnnx(20000)), path.join(tmp, 'o.json')], /gru20000\.onnx: tensor '.*': DOUBLE dims 1x60000x4 need 1920000 bytes of data, the file holds 8/],
    ['DOUBLE GRU claiming H=8000 (under the limits)', () => ['import-onnx', write('gru8000.onnx', bigGruOnnx(8000)), path.join(tmp, 'o.json')], /gru8000\.onnx: tensor '.*': DOUBLE dims 1x24000x4 need 768000 bytes of data, the file holds 8/],
    ['Gather initializer claiming 1e9 x 1 INT64', () => ['import-onnx', write('gather.onnx', gatherOnnx(1e9)), path.join(tmp, 'o.json')], /gather\.onnx: tensor '.*': dims 1000000000x1 claim 1000000000 values, over the limit of 250000000/],
    ['Gather initializer claiming 1e8 x 1 INT64', () => ['import-onnx', write('gather8.onnx', gatherOnnx(1e8)), path.join(tmp, 'o.json')], /gather8\.onnx: tensor '.*': INT64 dims 100000000x1 need 800000000 bytes of data, the file holds 8/],
    ['model JSON with GRU hiddenSize 20000', () => ['summary', write('h20000.json', tinyModelJson(20000))], /h20000\.json: invalid config: config\.layers\[0\]\.hiddenSize: 20000 is over the limit of 8192/],
    ['model JSON with GRU hiddenSize 8000 and no weights', () => ['summary', write('h8000.json', tinyModelJson(8000))], /h8000\.json: config implies 4 parameter tensors, file has 0/],
    ['checkpoint claiming hiddenSize 8000 with the weights of 2', () => (smallCheckpoint(), ['train', write('s.json', spec(() => undefined)), '--out', path.join(tmp, 'm.json'), '--checkpoint', path.join(tmp, 'ckpt.bin'), '--resume']), /ckpt\.bin: parameter 0 is "0\.weight_ih" 6x1 "float32", expected 0\.weight_ih 24000x1 float32/],
    ['JSON (version 1) checkpoint claiming hiddenSize 8000 with the weights of 2', () => (smallCheckpoint(), ['train', write('s.json', spec(() => undefined)), '--out', path.join(tmp, 'm.json'), '--checkpoint', path.join(tmp, 'ckpt-v1.json'), '--resume']), /ckpt-v1\.json: parameter 0 is "0\.weight_ih" 6x1 "float32", expected 0\.weight_ih 24000x1 float32/],
    ['train spec with sequences 1e9', () => ['train', write('seq.json', spec((s) => (s.data.sequences = 1e9))), '--out', path.join(tmp, 'm.json')], /seq\.json: data\.sequences: 1000000000 is over the limit of 10000000/],
    ['train spec with hiddenSize 1e6', () => ['train', write('hid.json', spec((s) => (s.model.layers[0].hiddenSize = 1e6))), '--out', path.join(tmp, 'm.json')], /hid\.json: model\.layers\[0\]\.hiddenSize: 1000000 is over the limit of 8192/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const argv = args();
    const r = runCliMeasured(argv);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(1);
    expect(r.peakMb).toBeLessThan(1024);
    expect(r.seconds).toBeLessThan(30);
  }, 60_000);

  it('the crafted files are small', () => {
    expect(bigGruOnnx(20000).length).toBeLessThan(1000);
    expect(gatherOnnx(1e9).length).toBeLessThan(500);
    expect(tinyModelJson(20000).length).toBeLessThan(200);
  });
});
