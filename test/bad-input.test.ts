import * as fs from 'fs';
import * as path from 'path';
import { decodeWav, encodeWav, readWav, toMono, WavError } from '../src/audio/wav';
import { importOnnx, importOnnxFile, OnnxImportError } from '../src/onnx/import';
import { loadModel, ModelFileError, Sequential } from '../src';
import { exportOnnx } from '../src/onnx/export';
import { maxAbsDiff } from './helpers/compare';
import { tempDir } from './helpers/temp-dir';
import { canonicalChunks, rawWav, riffWave } from './helpers/raw-wav';

const tmp = tempDir('rnnkit-bad-');

const tone = (n: number, rate = 16000) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));

describe('WAV decoding', () => {
  it('decodes 8/16/24/32-bit PCM and 32/64-bit float, mono and stereo', () => {
    const pcm16 = decodeWav(encodeWav({ sampleRate: 16000, channels: [tone(400)] }));
    expect(pcm16.sampleRate).toBe(16000);
    expect(maxAbsDiff(pcm16.channels[0], tone(400))).toBeLessThan(1e-4);
    const stereo = decodeWav(encodeWav({ sampleRate: 44100, channels: [tone(100, 44100), new Float32Array(100)] }, 'float32'));
    expect(stereo.channels).toHaveLength(2);
    expect(toMono(stereo)[25]).toBeCloseTo(tone(100, 44100)[25] / 2, 6);
    const samples = (bytesPer: number, n: number) => new Uint8Array(bytesPer * n).map((_, i) => (i * 37) % 256);
    expect(decodeWav(rawWav({ bits: 8, data: samples(1, 50) })).channels[0]).toHaveLength(50);
    expect(decodeWav(rawWav({ bits: 24, data: samples(3, 50) })).channels[0]).toHaveLength(50);
    expect(decodeWav(rawWav({ bits: 32, data: samples(4, 50) })).channels[0]).toHaveLength(50);
    const f64 = new Uint8Array(new Float64Array([0.25, -0.5]).buffer);
    expect(Array.from(decodeWav(rawWav({ format: 3, bits: 64, data: f64 })).channels[0])).toEqual([0.25, -0.5]);
    expect(decodeWav(rawWav({ extensibleSub: 1, bits: 24, data: samples(3, 10) })).channels[0]).toHaveLength(10);
  });

  it('converts long files block by block without seams (2^20 frames per block)', () => {
    const n = (1 << 20) + 5000;
    const ramp = Float32Array.from({ length: n }, (_, i) => ((i % 2000) - 1000) / 1024);
    const decoded = decodeWav(encodeWav({ sampleRate: 16000, channels: [ramp] }, 'float32')).channels[0];
    expect(decoded).toHaveLength(n);
    expect(ramp.findIndex((v, i) => decoded[i] !== v)).toBe(-1);
  });

  it('decodes G.711 μ-law and A-law (telephone WAV), also as WAVE_FORMAT_EXTENSIBLE sub-formats', () => {
    // ITU-T G.711 codes: μ-law 0x80 = +32124, 0xff = 0, 0x00 = -32124; A-law 0xd5 = +8, 0xaa = +32256, 0x2a = -32256
    const mulaw = decodeWav(rawWav({ format: 7, bits: 8, channels: 2, data: new Uint8Array([0x80, 0xff, 0x00, 0x80]) }));
    expect(mulaw.channels.map((c) => Array.from(c, (v) => Math.round(v * 32768)))).toEqual([[32124, -32124], [0, 32124]]);
    const alaw = decodeWav(rawWav({ format: 6, bits: 8, data: new Uint8Array([0xd5, 0xaa, 0x2a]) }));
    expect(Array.from(alaw.channels[0], (v) => Math.round(v * 32768))).toEqual([8, 32256, -32256]);
    const codes = new Uint8Array(64).map((_, i) => i * 4);
    for (const format of [6, 7]) {
      expect(decodeWav(rawWav({ extensibleSub: format, bits: 8, data: codes }))).toEqual(decodeWav(rawWav({ format, bits: 8, data: codes })));
    }
  });

  describe('chunk order and padding quirks', () => {
    const reference = encodeWav({ sampleRate: 16000, channels: [tone(301)] });
    const { fmt, data } = canonicalChunks(reference);
    const expected = decodeWav(reference).channels[0];
    const list = (n: number) => ({ id: 'LIST', body: new Uint8Array(n).fill(0x41) });

    it.each([
      ['"data" before "fmt "', [{ id: 'data', body: data }, { id: 'fmt ', body: fmt }]],
      ['an odd-sized chunk without its pad byte', [{ id: 'fmt ', body: fmt }, { ...list(5), pad: false }, { id: 'data', body: data }]],
      ['an odd-sized chunk with its pad byte', [{ id: 'fmt ', body: fmt }, list(5), { id: 'data', body: data }]],
      ['an odd-sized data chunk without its pad byte, then another chunk', [{ id: 'fmt ', body: fmt }, { id: 'data', body: data.subarray(0, 601), pad: false }, list(4)]],
      ['"data" first, an unpadded odd chunk, then "fmt "', [{ id: 'data', body: data }, { ...list(3), pad: false }, { id: 'fmt ', body: fmt }]],
    ])('decodes a file with %s', (_name, chunks) => {
      const decoded = decodeWav(riffWave(chunks as { id: string; body: Uint8Array; pad?: boolean }[]), 'quirky.wav').channels[0];
      expect(Array.from(decoded)).toEqual(Array.from(expected.subarray(0, decoded.length)));
      expect(decoded.length).toBeGreaterThanOrEqual(300);
    });

    it('a truncated "data" chunk before "fmt " says truncated, not "no fmt chunk"', () => {
      const cut = riffWave([{ id: 'data', body: data }, { id: 'fmt ', body: fmt }]).subarray(0, 300);
      expect(() => decodeWav(cut, 'cut.wav')).toThrow(/^cut\.wav: truncated: the data chunk declares 602 bytes, the file holds 280 \(and no "fmt " chunk was found before it\)$/);
    });
  });

  // The bad-input table (README "Bad input"): every case names the file and the problem.
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /clip\.wav: empty file/],
    ['not a WAV file', new TextEncoder().encode('ID3\u0004 this is an mp3 file, honestly'), /not a WAV file \(starts with "ID3\?"/],
    ['truncated header', encodeWav({ sampleRate: 16000, channels: [tone(100)] }).subarray(0, 30), /no "data" chunk|"fmt " chunk too short/],
    ['truncated data', encodeWav({ sampleRate: 16000, channels: [tone(100)] }).subarray(0, 100), /truncated: the data chunk declares 200 bytes, the file holds 56/],
    ['ADPCM encoding', rawWav({ format: 2, bits: 4, blockAlign: 256 }), /unsupported encoding Microsoft ADPCM \(only PCM, IEEE float, A-law and μ-law\)/],
    ['16-bit μ-law', rawWav({ format: 7, bits: 16 }), /unsupported μ-law bit depth 16/],
    ['12-bit PCM', rawWav({ bits: 12, blockAlign: 2 }), /unsupported PCM bit depth 12/],
    ['sample rate 0', rawWav({ rate: 0 }), /unsupported sample rate 0 Hz/],
    ['sample rate 1 MHz', rawWav({ rate: 1000000 }), /unsupported sample rate 1000000 Hz/],
    ['no channels', rawWav({ channels: 0, blockAlign: 0 }), /unsupported channel count 0/],
    ['no samples', rawWav({ data: new Uint8Array(0) }), /no audio samples/],
    ['NaN float samples', rawWav({ format: 3, bits: 32, data: new Uint8Array(new Float32Array([0.1, NaN]).buffer) }), /sample 1 is NaN/],
  ];
  it.each(cases)('%s gives a WavError naming the problem', (_name, bytes, message) => {
    expect(() => decodeWav(bytes, 'clip.wav')).toThrow(WavError);
    expect(() => decodeWav(bytes, 'clip.wav')).toThrow(message);
  });

  it('refuses audio longer than the limit from the header, before converting samples', () => {
    const fiveSeconds = rawWav({ format: 7, bits: 8, rate: 8000, data: new Uint8Array(40000) });
    expect(() => decodeWav(fiveSeconds, 'clip.wav', 4)).toThrow(/^clip\.wav: too long: 5\.0 s \(audio up to 4 s\)$/);
    expect(decodeWav(fiveSeconds, 'clip.wav', 5).channels[0]).toHaveLength(40000);
  });

  it('a missing file names the file', () => {
    expect(() => readWav(path.join(tmp, 'none.wav'))).toThrow(/none\.wav: cannot read: ENOENT/);
  });
});

describe('ONNX and model files', () => {
  it('a truncated ONNX file is an OnnxImportError naming the file', () => {
    const bytes = exportOnnx(new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'lstm', hiddenSize: 4 }] }));
    const file = path.join(tmp, 'cut.onnx');
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => importOnnxFile(file)).toThrow(OnnxImportError);
    expect(() => importOnnxFile(file)).toThrow(/cut\.onnx: /);
  });

  it('a model file with a wrong shape or an unknown layer is a ModelFileError', () => {
    const file = path.join(tmp, 'm.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'rnnkit-model', version: 1, config: { inputFeatures: 2, layers: [{ type: 'transformer' }] }, params: [] }));
    expect(() => loadModel(file)).toThrow(ModelFileError);
    expect(() => loadModel(file)).toThrow(/m\.json: invalid config: config\.layers\[0\]\.type: must be one of rnn, lstm, gru, dense, embedding, dropout, conv1d; got "transformer"/);
    fs.writeFileSync(file, JSON.stringify({ hello: 'world' }));
    expect(() => loadModel(file)).toThrow(/m\.json: not an rnnkit model file/);
  });

  it('importOnnx never throws anything but OnnxImportError on inconsistent graphs', () => {
    expect(() => importOnnx(new Uint8Array([8, 8, 18, 2, 10, 0]), 'tiny.onnx')).toThrow(OnnxImportError);
  });
});
