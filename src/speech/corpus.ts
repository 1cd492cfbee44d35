import * as fs from 'fs';
import { concatFloat32 } from '../core/dtype';
import { Rng } from '../core/rng';
import { writeFileAtomic } from '../io/atomic-write';
import { heardSignal } from '../audio/mfcc';
import { resample } from '../audio/resample';
import { normalizePeak, pad } from './augment';
import { DEFAULT_ROOM_RATE } from './channel';
import { applyCondition, conditionName, randomTrainingCondition, TEST_CONDITIONS, VALIDATION_CONDITIONS, type Condition } from './conditions';
import { FEATURE_DIM, modelFeatures } from './features';
import { withAccentVariants } from './pronunciations';
import { checkSpeeds } from './speed-views';
import { synthesize, voiceName, type VoiceSpec } from './synthesize';
import { COMMAND_WORDS, DIGIT_WORDS } from './vocabulary';
import { vocode } from './vocoder';
import { TEST_VOICES, TRAIN_VOICES, VALIDATION_VOICES } from './voices';

/**
 * A synthesised, labelled speech corpus stored as features: <name>.json (manifest) and
 * <name>.f32 (all utterances' [steps, FEATURE_DIM] features back to back), both written
 * atomically. Generation is seeded: the same options give the same files.
 */
export const CORPUS_FORMAT = 'rnnkit-speech-corpus';
/** Version 2: features from the telephone-band front end, one recording condition per utterance. */
const CORPUS_VERSION = 2;
/**
 * What a --dereverb corpus's manifest says of its features: WPE once per clip, at 16 kHz, before the views
 * (heardSignal). Corpora made before said `true`, their WPE ran on each view's 8 kHz band: other features
 * than transcribe --dereverb's, so they are refused.
 */
const WPE_FRONT_END = 'once-per-clip-16k';

export interface Utterance {
  text: string;
  voice: string;
  /** The recording condition's name (conditionName), or 'train' for training's random ones. */
  condition: string;
  steps: number;
  /** Offset of the first feature value in the .f32 file, in floats. */
  offset: number;
}

export interface Corpus {
  featureDim: number;
  utterances: Utterance[];
  features: Float32Array;
  /** Features through WPE (speech:corpus --dereverb); absent in the manifest otherwise (there: WPE_FRONT_END). */
  dereverberated?: boolean;
  /** Share of the (training) utterances that went through the vocoder (speech:corpus --vocoded); absent when none. */
  vocodedRate?: number;
  /** Share of the (training) utterances recorded in a room (speech:corpus --rooms); absent: DEFAULT_ROOM_RATE's 0.35. */
  roomRate?: number;
  /**
   * The same utterances read at other speeds (the transcriber's speed views, speed-views.ts), in the
   * same order; validation and test corpora only. Each is saved beside the corpus (`<base>.speed-0.9`).
   */
  speedViews?: SpeedView[];
}

/** A corpus's utterances read at `speed` (analysisBand): their own step counts and features. */
export interface SpeedView extends Corpus {
  speed: number;
}

/**
 * How utterances are recorded: 'train' draws a random condition per utterance (and
 * augments the speech itself); 'every-condition' renders each utterance in each of
 * TEST_CONDITIONS (the test); 'one-condition' in one of VALIDATION_CONDITIONS at random (validation).
 */
export type CorpusMode = 'train' | 'every-condition' | 'one-condition';

export interface CorpusOptions {
  count: number;
  voices: readonly VoiceSpec[];
  seed: number;
  mode: CorpusMode;
  /**
   * Validation and test features through WPE, as `transcribe --dereverb` hears them; training features never
   * (the shipped models learnt rooms from features without it; trained on WPE's output they validated no better).
   */
  dereverberate?: boolean;
  /**
   * Share of training utterances put through the vocoder (vocoder.ts; speech:corpus --vocoded). 0 unless given: the
   * corpus the shipped members were first trained and gate-fine-tuned on; the corpora of their later fine-tunings had 0.25 (README).
   * Training only.
   */
  vocodedRate?: number;
  /** Share of training utterances recorded in a room (randomTrainingChannel; speech:corpus --rooms); DEFAULT_ROOM_RATE unless given. Training only. */
  roomRate?: number;
  /** Speeds other than 1 to store views of the features at (validation and test; training never reads views). */
  viewSpeeds?: readonly number[];
  /**
   * The first utterance to make (a resumed corpus): those before it are drawn from the seed, as they
   * were, but not synthesised, so the ones made are the same as in a whole run.
   */
  from?: number;
  /** Utterances (of `count`, each with its conditions) made so far, including the `from` skipped ones. */
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

/** The shares of a training corpus that speech:corpus can change (--vocoded, --rooms), as the default corpus has them. */
export const DEFAULT_TRAINING_SHARES = { vocodedRate: 0, roomRate: DEFAULT_ROOM_RATE } as const;
type TrainingShare = keyof typeof DEFAULT_TRAINING_SHARES;

/** The shares of `source` (options, a corpus or a checked manifest) that differ from the default corpus's: what a manifest records. */
export function changedShares(source: Partial<Record<TrainingShare, unknown>>): Partial<Record<TrainingShare, number>> {
  const changed: Partial<Record<TrainingShare, number>> = {};
  for (const name of Object.keys(DEFAULT_TRAINING_SHARES) as TrainingShare[]) {
    const value = source[name];
    if (typeof value === 'number' && value !== DEFAULT_TRAINING_SHARES[name]) changed[name] = value;
  }
  return changed;
}

/** Refuses shares other than the default corpus's for a corpus that is not for training, and shares outside [0, 1]. */
function checkShares(opts: Omit<CorpusOptions, 'onProgress'>): void {
  for (const [name, value] of Object.entries(changedShares(opts))) {
    if (opts.mode !== 'train') throw new Error(`${name} changes training utterances only`);
    if (!(value >= 0 && value <= 1)) throw new Error(`${name} is a share of the utterances, in [0, 1], not ${value}`);
  }
}

/** The range of the vocoder's synthesis all-pass constant for training utterances (speech:corpus --vocoded). */
export const VOCODER_ALPHA_RANGE = [0.36, 0.48] as const;

/**
 * Whether a training utterance goes through the vocoder, with probability `rate`: its synthesis all-pass constant,
 * or undefined. At rate 0 nothing is drawn, so a corpus made without the vocoder keeps its random sequence.
 */
export function drawVocoderAlpha(rng: Rng, rate: number): number | undefined {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`the share of vocoded utterances lies in [0, 1], not ${rate}`);
  if (rate === 0) return undefined;
  return rng.next() < rate ? rng.uniform(...VOCODER_ALPHA_RANGE) : undefined;
}

/**
 * Clean speech as the corpus stores it: synthesised, levelled, padded with silence.
 * With `augment` (training data), espeak-ng voices say some words with accent variants
 * (see pronunciations.ts); a share `vocodedRate` of the utterances (none unless speech:corpus --vocoded
 * asks) go through a vocoder whose formants move ×0.86–1.15 with the pitch kept (vocoder.ts: a voice
 * as a statistical-parametric synthesiser would say it); and a speed perturbation (×0.85–1.25 by
 * resampling) scales pitch and formants together, like a shorter or longer vocal tract: the few
 * synthetic voices then cover more speakers (in particular higher, female-like ones).
 */
export async function speakUtterance(text: string, voice: VoiceSpec, rng: Rng, augment = false, vocodedRate: number = DEFAULT_TRAINING_SHARES.vocodedRate): Promise<Float32Array> {
  const spoken = augment && voice.engine === 'espeak-ng' ? withAccentVariants(text, rng, ACCENT_VARIANT_RATE) : text;
  let speech = await synthesize(spoken, voice, { rate: rng.uniform(0.75, 1.35), pitch: rng.uniform(0.15, 0.85) });
  if (augment) {
    const alpha = drawVocoderAlpha(rng, vocodedRate);
    if (alpha !== undefined) speech = vocode(speech, alpha);
    speech = resample(speech, 16000 * rng.uniform(0.85, 1.25), 16000);
  }
  const levelled = normalizePeak(speech, rng.uniform(-20, -1));
  return pad(levelled, rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4));
}

/** One utterance in a given recording condition (the sample clips and the notebooks use this). */
export async function renderUtterance(text: string, voice: VoiceSpec, condition: Condition, rng: Rng, babblePool: readonly Float32Array[] = []): Promise<Float32Array> {
  return applyCondition(await speakUtterance(text, voice, rng), condition, rng, babblePool);
}

/** Talkers for babble noise: clean utterances of the corpus's own voices, made once per corpus. */
const BABBLE_POOL_SIZE = 24;

async function babblePool(voices: readonly VoiceSpec[], rng: Rng): Promise<Float32Array[]> {
  const pool: Float32Array[] = [];
  for (let i = 0; i < BABBLE_POOL_SIZE; i++) {
    const text = Array.from({ length: 6 }, () => sampleText(rng)).join(' ');
    pool.push(await speakUtterance(text, voices[rng.int(voices.length)], rng));
  }
  return pool;
}

/** One utterance of a corpus as audio: 16 kHz samples in their recording condition, before the front end. */
export interface RenderedUtterance {
  text: string;
  voice: VoiceSpec;
  /** conditionName, or 'train'. */
  condition: string;
  signal: Float32Array;
}

/** A corpus's utterances as audio, in corpus order (generateCorpus stores their features). */
export async function* renderCorpus(opts: Omit<CorpusOptions, 'onProgress'>): AsyncGenerator<RenderedUtterance> {
  checkShares(opts);
  const babble = await babblePool(opts.voices, new Rng(opts.seed ^ 0x5bd1e995));
  const from = opts.from ?? 0;
  for (const [i, { text, voice, seed, conditions }] of plannedUtterances(opts).entries()) {
    if (i < from) continue;
    const uttRng = new Rng(seed);
    const speech = await speakUtterance(text, voice, uttRng, opts.mode === 'train', opts.vocodedRate);
    if (conditions === 'train') {
      yield { text, voice, condition: 'train', signal: randomTrainingCondition(speech, uttRng, babble, opts.roomRate) };
      continue;
    }
    const conditionSeed = uttRng.nextU32();
    // The same noise seed in every condition: conditions of one utterance differ only in the condition.
    for (const c of conditions) yield { text, voice, condition: conditionName(c), signal: applyCondition(speech, c, new Rng(conditionSeed), babble) };
  }
}

/** What a corpus's seed decides of an utterance before any audio is made: text, voice, the utterance's own seed, its conditions. */
export interface PlannedUtterance {
  text: string;
  voice: VoiceSpec;
  seed: number;
  /** 'train': one drawn at random while rendering (from the utterance's own seed). */
  conditions: readonly Condition[] | 'train';
}

/**
 * The corpus's utterances as its seed plans them. Every draw of the corpus's generator is here, none
 * depends on audio (the rest comes from each utterance's seed): skipping utterances keeps the later ones.
 */
export function plannedUtterances(opts: Pick<CorpusOptions, 'count' | 'seed' | 'voices' | 'mode'>): PlannedUtterance[] {
  const rng = new Rng(opts.seed);
  return Array.from({ length: opts.count }, () => {
    const text = sampleText(rng);
    const voice = opts.voices[rng.int(opts.voices.length)];
    const seed = rng.nextU32();
    const conditions = opts.mode === 'train' ? 'train' : opts.mode === 'every-condition' ? TEST_CONDITIONS : [VALIDATION_CONDITIONS[rng.int(VALIDATION_CONDITIONS.length)]];
    return { text, voice, seed, conditions };
  });
}

/** How many corpus utterances (entries, one per condition) a planned utterance makes. */
export function conditionsPerUtterance(mode: CorpusMode): number {
  return mode === 'every-condition' ? TEST_CONDITIONS.length : 1;
}

export async function generateCorpus(opts: CorpusOptions): Promise<Corpus> {
  const parts: Corpus[] = [];
  for await (const part of generateCorpusParts(opts, opts.count)) parts.push(part);
  return concatCorpora(parts);
}

/** Refuses a part size that is not a whole number of utterances from 1 on. */
export function checkPartSize(partSize: number): void {
  if (!(Number.isInteger(partSize) && partSize >= 1)) throw new Error(`a corpus part holds a whole number of utterances, at least 1, not ${partSize}`);
}

/**
 * The corpus (from `opts.from` on) as consecutive parts of `partSize` planned utterances each (the last
 * may be smaller), each a corpus of its own as saveCorpus writes it: speech:corpus saves each part as it
 * is made, so that a stopped run resumes after the last whole one.
 */
export async function* generateCorpusParts(opts: CorpusOptions, partSize: number): AsyncGenerator<Corpus> {
  checkPartSize(partSize);
  const perUtterance = conditionsPerUtterance(opts.mode);
  const total = opts.count * perUtterance;
  const dereverberated = opts.mode !== 'train' && opts.dereverberate === true;
  const viewSpeeds = opts.mode === 'train' ? [] : (opts.viewSpeeds ?? []);
  if (viewSpeeds.includes(1)) throw new Error('speed views are the speeds other than 1 (the corpus itself is read at 1)');
  const speeds = checkSpeeds([1, ...viewSpeeds]); // the corpus itself is the view at speed 1
  const emptyViews = () => speeds.map((speed) => ({ speed, utterances: [] as Utterance[], chunks: [] as Float32Array[], offset: 0 }));
  const partOf = (views: ReturnType<typeof emptyViews>): Corpus => {
    const [corpus, ...speedViews] = views.map(({ speed, utterances, chunks }) => ({ speed, featureDim: FEATURE_DIM, utterances, features: concatFloat32(chunks), ...(dereverberated ? { dereverberated } : {}) }));
    return { featureDim: corpus.featureDim, utterances: corpus.utterances, features: corpus.features, ...(dereverberated ? { dereverberated } : {}), ...changedShares(opts), ...(speedViews.length > 0 ? { speedViews } : {}) };
  };
  let views = emptyViews();
  let done = (opts.from ?? 0) * perUtterance;
  let yielded = false;
  for await (const { text, voice, condition, signal } of renderCorpus(opts)) {
    const heard = heardSignal(signal, dereverberated); // WPE once, before the views read the clip
    for (const v of views) {
      const f = modelFeatures(heard, { speed: v.speed });
      v.utterances.push({ text, voice: voiceName(voice), condition, steps: f.steps, offset: v.offset });
      v.chunks.push(f.data);
      v.offset += f.data.length;
    }
    opts.onProgress?.(++done, total);
    if (views[0].utterances.length === partSize * perUtterance) {
      yield partOf(views);
      yielded = true;
      views = emptyViews();
    }
  }
  // The rest; an empty corpus (nothing to make) is one empty part.
  if (views[0].utterances.length > 0 || !yielded) yield partOf(views);
}

/** Corpora of one kind (the same views, WPE and shares) as one, in order. */
export function concatCorpora(parts: readonly Corpus[]): Corpus {
  if (parts.length === 0) throw new Error('no corpus parts to join');
  const utterances: Utterance[] = [];
  let offset = 0;
  for (const p of parts) {
    for (const u of p.utterances) utterances.push({ ...u, offset: u.offset + offset });
    offset += p.features.length;
  }
  const viewAt = (p: Corpus, speed: number) => {
    const view = atSpeed(p, speed);
    if (!view) throw new Error(`a corpus part has no view at speed ${speed} where the first has one`);
    return view;
  };
  const speedViews = parts[0].speedViews?.map((v) => ({ ...concatCorpora(parts.map((p) => viewAt(p, v.speed))), speed: v.speed }));
  const { speedViews: _first, ...first } = parts[0];
  return { ...first, utterances, features: concatFloat32(parts.map((p) => p.features)), ...(speedViews ? { speedViews } : {}) };
}

export const CORPUS_KINDS = ['train', 'val', 'test'] as const;
export type CorpusKind = (typeof CORPUS_KINDS)[number];

/**
 * What each corpus is made of, and its size unless npm run speech:corpus is told another. Validation
 * has 3,000 utterances (~190 per recording condition): with 1,000, two seeds of one recipe differed
 * by as much as the recipes compared did.
 */
export const CORPUS_SETUP: Record<CorpusKind, { count: number; voices: readonly VoiceSpec[]; mode: CorpusMode }> = {
  train: { count: 18000, voices: TRAIN_VOICES, mode: 'train' },
  val: { count: 3000, voices: VALIDATION_VOICES, mode: 'one-condition' },
  test: { count: 600, voices: TEST_VOICES, mode: 'every-condition' },
};

/**
 * How npm run speech:corpus makes a corpus of `count` utterances: two shards (one process per
 * core), each with its own seed and half the utterances. A larger count keeps a smaller one's
 * utterances (each shard's first ones).
 */
export function corpusShards(kind: CorpusKind, count: number): Omit<CorpusOptions, 'onProgress'>[] {
  const base = { train: 1001, val: 2001, test: 3001 }[kind];
  const { voices, mode } = CORPUS_SETUP[kind];
  return [{ count: Math.ceil(count / 2), seed: base }, { count: Math.floor(count / 2), seed: base + 1 }].map((s) => ({ ...s, voices, mode }));
}

/** Where a corpus's speed view is saved, beside the corpus at `base`. */
function viewBase(base: string, speed: number): string {
  return `${base}.speed-${speed}`;
}

/** Writes the corpus (and its speed views) as `<base>.json` + `<base>.f32`; the views first, so that a manifest never names a missing one. */
export function saveCorpus(corpus: Corpus, base: string): void {
  for (const v of corpus.speedViews ?? []) saveCorpus({ ...v, speedViews: undefined }, viewBase(base, v.speed));
  writeFileAtomic(`${base}.f32`, new Uint8Array(corpus.features.buffer, corpus.features.byteOffset, corpus.features.byteLength));
  const views = corpus.speedViews?.map((v) => v.speed);
  writeFileAtomic(`${base}.json`, JSON.stringify({
    format: CORPUS_FORMAT, version: CORPUS_VERSION, featureDim: corpus.featureDim, ...(corpus.dereverberated ? { dereverberated: WPE_FRONT_END } : {}),
    ...changedShares(corpus),
    ...('speed' in corpus ? { speed: corpus.speed } : {}), ...(views?.length ? { speedViews: views } : {}), utterances: corpus.utterances,
  }));
}

/** A saved corpus's manifest, checked: format, version and the speeds of its views. */
function readManifest(base: string): { featureDim: number; utterances: Utterance[]; dereverberated?: typeof WPE_FRONT_END; vocodedRate?: unknown; roomRate?: unknown; speedViews: number[] } {
  const manifest = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  if (manifest.format !== CORPUS_FORMAT) throw new Error(`${base}.json is not an rnnkit speech corpus`);
  if (manifest.version !== CORPUS_VERSION) throw new Error(`${base}.json is a version ${manifest.version} speech corpus; this rnnkit reads version ${CORPUS_VERSION} (npm run speech:corpus remakes it)`);
  const speeds: unknown = manifest.speedViews ?? [];
  if (!Array.isArray(speeds) || !speeds.every((s) => typeof s === 'number' && s !== 1)) throw new Error(`${base}.json: speedViews is not a list of speeds other than 1`);
  checkSpeeds([1, ...speeds]);
  if (manifest.dereverberated !== undefined && manifest.dereverberated !== WPE_FRONT_END) {
    throw new Error(`${base}.json holds features through WPE on each view's band (an older --dereverb, not transcribe --dereverb's WPE once per clip): npm run speech:corpus -- --dereverb remakes it`);
  }
  for (const name of Object.keys(DEFAULT_TRAINING_SHARES) as TrainingShare[]) {
    const share: unknown = manifest[name];
    if (share !== undefined && !(typeof share === 'number' && share >= 0 && share <= 1)) throw new Error(`${base}.json: ${name} is not a share in [0, 1]`);
  }
  return { ...manifest, speedViews: speeds };
}

/** Reads a corpus saved by saveCorpus; its speed views too unless `views` is false (training reads none). */
export function loadCorpus(base: string, { views = true } = {}): Corpus {
  const manifest = readManifest(base);
  const bytes = fs.readFileSync(`${base}.f32`);
  const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const corpus: Corpus = {
    featureDim: manifest.featureDim, utterances: manifest.utterances, features, ...(manifest.dereverberated === WPE_FRONT_END ? { dereverberated: true } : {}),
    ...changedShares(manifest),
  };
  if (manifest.speedViews.length === 0 || !views) return corpus;
  const speedViews = manifest.speedViews.map((speed) => {
    const view = loadCorpus(viewBase(base, speed));
    const same = view.featureDim === corpus.featureDim && view.dereverberated === corpus.dereverberated && view.utterances.length === corpus.utterances.length
      && view.utterances.every((u, i) => u.text === corpus.utterances[i].text && u.voice === corpus.utterances[i].voice && u.condition === corpus.utterances[i].condition);
    if (!same) throw new Error(`${viewBase(base, speed)}.json does not hold the utterances of ${base}.json (npm run speech:corpus remakes both)`);
    return { ...view, speed };
  });
  return { ...corpus, speedViews };
}

/**
 * Refuses a validation or test corpus made with other recording conditions than today's (an older corpus, from before
 * a condition joined the test): its figures would lack the new rows, and its pooled row would not be the test's.
 */
export function checkConditions(corpus: Corpus, kind: 'val' | 'test', base: string): void {
  const expected = (kind === 'test' ? TEST_CONDITIONS : VALIDATION_CONDITIONS).map(conditionName);
  const found = new Set(corpus.utterances.map((u) => u.condition));
  const unknown = [...found].filter((c) => !expected.includes(c));
  const missing = kind === 'test' ? expected.filter((c) => !found.has(c)) : [];
  if (unknown.length > 0 || missing.length > 0) {
    const said = [missing.length > 0 ? `without ${missing.join(', ')}` : '', unknown.length > 0 ? `with ${unknown.join(', ')}, not a ${kind} condition now` : ''].filter(Boolean).join('; ');
    throw new Error(`${base} was made with other recording conditions (${said}): remake it with npm run speech:corpus -- --only ${kind}`);
  }
}

/** The corpus's features read at `speed`: the corpus itself at 1, else its speed view (undefined when it has none). */
export function atSpeed(corpus: Corpus, speed: number): Corpus | undefined {
  return speed === 1 ? corpus : corpus.speedViews?.find((v) => v.speed === speed);
}

/** Removes a saved corpus and its speed views. */
export function removeCorpus(base: string): void {
  for (const speed of readManifest(base).speedViews) removeCorpus(viewBase(base, speed));
  for (const ext of ['json', 'f32']) fs.rmSync(`${base}.${ext}`);
}
