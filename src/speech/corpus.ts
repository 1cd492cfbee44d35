import * as fs from 'fs';
import { concatFloat32 } from '../core/dtype';
import { Rng } from '../core/rng';
import { writeFileAtomic } from '../io/atomic-write';
import { resample } from '../audio/resample';
import { addNoise, normalizePeak, pad } from './augment';
import { FEATURE_DIM, modelFeatures } from './features';
import { withAccentVariants } from './pronunciations';
import { synthesize, voiceName, type VoiceSpec } from './synthesize';
import { COMMAND_WORDS, DIGIT_WORDS } from './vocabulary';

/**
 * A synthesised, labelled speech corpus stored as features: <name>.json (manifest) and
 * <name>.f32 (all utterances' [steps, FEATURE_DIM] features back to back), both written
 * atomically. Generation is seeded: the same options give the same files.
 */
export const CORPUS_FORMAT = 'rnnkit-speech-corpus';

export type NoiseCondition = 'clean' | '20dB' | '10dB';

export interface Utterance {
  text: string;
  voice: string;
  noise: NoiseCondition;
  steps: number;
  /** Offset of the first feature value in the .f32 file, in floats. */
  offset: number;
}

export interface Corpus {
  featureDim: number;
  utterances: Utterance[];
  features: Float32Array;
}

export interface CorpusOptions {
  count: number;
  voices: VoiceSpec[];
  seed: number;
  /** Noise conditions drawn per utterance (training), or every utterance in every condition (evaluation). */
  noise: 'random' | 'all';
  /** Training augmentation of every utterance: accent variants and speed perturbation. */
  augment?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Share of single command words among the utterances (the rest are digit strings of 1–5 digits). */
const COMMAND_SHARE = 1 / 3;

export function sampleText(rng: Rng): string {
  if (rng.next() < COMMAND_SHARE) return COMMAND_WORDS[rng.int(COMMAND_WORDS.length)];
  const n = 1 + rng.int(5);
  return Array.from({ length: n }, () => DIGIT_WORDS[rng.int(DIGIT_WORDS.length)]).join(' ');
}

/** Share of words an espeak-ng voice says with an accent variant in training data. */
const ACCENT_VARIANT_RATE = 0.3;

/**
 * One utterance as the corpus stores it: synthesised, levelled, padded, with noise.
 * With `augment` (training data), espeak-ng voices say some words with accent variants
 * (see pronunciations.ts), and a speed perturbation (×0.85–1.25 by resampling) scales pitch
 * and formants together, like a shorter or longer vocal tract: the few synthetic voices then
 * cover more speakers (in particular higher, female-like ones).
 */
export async function renderUtterance(text: string, voice: VoiceSpec, noise: NoiseCondition, rng: Rng, augment = false): Promise<Float32Array> {
  const spoken = augment && voice.engine === 'espeak-ng' ? withAccentVariants(text, rng, ACCENT_VARIANT_RATE) : text;
  let speech = await synthesize(spoken, voice, { rate: rng.uniform(0.75, 1.35), pitch: rng.uniform(0.15, 0.85) });
  if (augment) speech = resample(speech, 16000 * rng.uniform(0.85, 1.25), 16000);
  const levelled = normalizePeak(speech, rng.uniform(-20, -1));
  const padded = pad(levelled, rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4));
  return noise === 'clean' ? padded : addNoise(padded, noise === '20dB' ? 20 : 10, rng);
}

export async function generateCorpus(opts: CorpusOptions): Promise<Corpus> {
  const rng = new Rng(opts.seed);
  const conditions: NoiseCondition[] = ['clean', '20dB', '10dB'];
  const utterances: Utterance[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const total = opts.count * (opts.noise === 'all' ? 3 : 1);
  for (let i = 0; i < opts.count; i++) {
    const text = sampleText(rng);
    const voice = opts.voices[rng.int(opts.voices.length)];
    const noises = opts.noise === 'all' ? conditions : [conditions[rng.int(3)]];
    const uttSeed = rng.nextU32();
    for (const noise of noises) {
      // The same seed per utterance: in 'all' mode the conditions differ only in noise.
      const f = modelFeatures(await renderUtterance(text, voice, noise, new Rng(uttSeed), opts.augment ?? false));
      utterances.push({ text, voice: voiceName(voice), noise, steps: f.steps, offset });
      chunks.push(f.data);
      offset += f.data.length;
      opts.onProgress?.(utterances.length, total);
    }
  }
  return { featureDim: FEATURE_DIM, utterances, features: concatFloat32(chunks) };
}

export function saveCorpus(corpus: Corpus, base: string): void {
  writeFileAtomic(`${base}.f32`, new Uint8Array(corpus.features.buffer, corpus.features.byteOffset, corpus.features.byteLength));
  writeFileAtomic(`${base}.json`, JSON.stringify({ format: CORPUS_FORMAT, version: 1, featureDim: corpus.featureDim, utterances: corpus.utterances }));
}

export function loadCorpus(base: string): Corpus {
  const manifest = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  if (manifest.format !== CORPUS_FORMAT) throw new Error(`${base}.json is not an rnnkit speech corpus`);
  const bytes = fs.readFileSync(`${base}.f32`);
  const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { featureDim: manifest.featureDim, utterances: manifest.utterances, features };
}
