import { decodeWav, encodeWav, WavError } from '../src/audio/wav';
import { Rng } from '../src/core/rng';
import { Sequential } from '../src';
import { exportOnnx } from '../src/onnx/export';
import { importOnnx, OnnxImportError } from '../src/onnx/import';
import { rawWav } from './helpers/raw-wav';

/**
 * Fuzz-style robustness: thousands of random and mutated inputs. Each must either load or
 * throw the loader's documented error type (WavError, OnnxImportError) — no other
 * exception, no hang (jest's timeout), no crash.
 */
function mutate(seed: Uint8Array, rng: Rng): Uint8Array {
  const bytes = seed.slice();
  switch (rng.int(5)) {
    case 0: // flip a few bytes
      for (let k = 0; k < 1 + rng.int(8); k++) bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
    case 1: // truncate
      return bytes.subarray(0, rng.int(bytes.length));
    case 2: { // overwrite a 32-bit field with an extreme value
      const at = rng.int(Math.max(1, bytes.length - 4));
      new DataView(bytes.buffer).setUint32(at, [0, 1, 0x7fffffff, 0xffffffff, rng.nextU32()][rng.int(5)], true);
      return bytes;
    }
    case 3: { // splice in random bytes
      const at = rng.int(bytes.length);
      const extra = Uint8Array.from({ length: 1 + rng.int(32) }, () => rng.int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return out;
    }
    default: // pure noise
      return Uint8Array.from({ length: rng.int(512) }, () => rng.int(256));
  }
}

function fuzz(seeds: Uint8Array[], runs: number, load: (b: Uint8Array) => unknown, errorType: new (...a: never[]) => Error): { loaded: number; rejected: number } {
  const rng = new Rng(2024);
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < runs; i++) {
    const input = mutate(seeds[i % seeds.length], rng);
    try {
      load(input);
      loaded++;
    } catch (err) {
      if (!(err instanceof errorType)) throw new Error(`input ${i} threw ${(err as Error).name}: ${(err as Error).message}`);
      rejected++;
    }
  }
  return { loaded, rejected };
}

it('WAV loader: 3000 mutated files either decode or throw WavError', () => {
  const tone = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i / 5));
  const seeds = [
    encodeWav({ sampleRate: 16000, channels: [tone] }),
    encodeWav({ sampleRate: 22050, channels: [tone, tone] }, 'float32'),
    encodeWav({ sampleRate: 8000, channels: [tone.subarray(0, 10)] }),
    rawWav({ format: 7, bits: 8, rate: 8000, data: Uint8Array.from({ length: 300 }, (_, i) => i) }), // μ-law
    rawWav({ extensibleSub: 6, bits: 8, channels: 2, rate: 8000, data: Uint8Array.from({ length: 300 }, (_, i) => 255 - i) }), // A-law
  ];
  const r = fuzz(seeds, 3000, (b) => decodeWav(b, 'fuzz.wav'), WavError);
  expect(r.loaded + r.rejected).toBe(3000);
  expect(r.loaded).toBeGreaterThan(100); // byte flips in sample data still decode
  expect(r.rejected).toBeGreaterThan(500);
});

it('ONNX importer: 2000 mutated files either import or throw OnnxImportError', () => {
  const seeds = [
    exportOnnx(new Sequential({ inputFeatures: 3, seed: 1, layers: [{ type: 'lstm', hiddenSize: 4, bidirectional: true }, { type: 'dense', units: 2 }] })),
    exportOnnx(new Sequential({ inputFeatures: 1, seed: 2, layers: [{ type: 'embedding', vocabSize: 5, embeddingDim: 3 }, { type: 'gru', hiddenSize: 4 }] })),
    exportOnnx(new Sequential({ inputFeatures: 2, seed: 3, layers: [{ type: 'conv1d', filters: 3, kernelSize: 3, dilation: 2, padding: 'causal', activation: 'relu' }] })),
  ];
  const r = fuzz(seeds, 2000, (b) => importOnnx(b, 'fuzz.onnx'), OnnxImportError);
  expect(r.loaded + r.rejected).toBe(2000);
  expect(r.rejected).toBeGreaterThan(500);
});
