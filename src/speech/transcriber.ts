import * as path from 'path';
import { AudioError } from '../audio/audio-error';
import { MAX_AUDIO_SECONDS } from '../audio/limits';
import { readAudio } from '../audio/read-audio';
import { resample } from '../audio/resample';
import { detectSpeech } from '../audio/vad';
import { toMono, type Audio } from '../audio/wav';
import { OnnxModel } from '../onnx/onnx-model';
import { rowLogSumExp } from '../core/rows';
import { highpass } from '../audio/biquad';
import { heardSignal, MFCC, speechFeatures, type FrontEndOptions } from '../audio/mfcc';
import { FEATURE_DIM, modelFeatures, stackFrames } from './features';
import { batchOutputs, decodeMembers, DECODERS, type Decoder } from './ensemble-decode';
import type { StepLogits } from './grammar-decode';
import { checkSpeeds, SPEED_VIEWS } from './speed-views';
import { CLASSES, decodeWords } from './vocabulary';
import * as fs from 'fs';

/** The model shipped in the repository (models/speech.onnx: four train:speech models made one by npm run speech:ensemble). */
export const DEFAULT_SPEECH_MODEL = path.join(__dirname, '..', '..', 'models', 'speech.onnx');
/**
 * Clips up to this long are transcribed whole; longer ones (up to MAX_AUDIO_SECONDS) are split
 * at pauses first, because the model is trained on short utterances.
 */
export const MAX_CLIP_SECONDS = 20;
/** Shorter than one analysis window. */
const MIN_SAMPLES = 400;
const RATE = 16000;
/** Silence kept around each detected segment: the model was trained on utterances with 0.05–0.4 s padding. */
const SEGMENT_CONTEXT_SECONDS = 0.2;

/** A stretch of a recording and its transcript; times in seconds from the start. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

export interface Transcript {
  /** Length of the recording in seconds. */
  seconds: number;
  /** True when the recording was longer than MAX_CLIP_SECONDS and split at pauses. */
  segmented: boolean;
  /** One segment covering a short clip; the segments with recognised words of a long one. */
  segments: TranscriptSegment[];
}

export type { Decoder } from './ensemble-decode';

/** What the front end and the model made of a clip, for showing (the demo page); times in milliseconds. */
export interface ClipAnalysis {
  /** The transcript; '' when the voice activity detector finds no speech. */
  text: string;
  /** MFCC + Δ + ΔΔ after CMVN, [frames, 39], one frame per 10 ms of the clip as recorded (the speed view 1). */
  features: { frames: number; data: Float32Array };
  /**
   * Class probabilities per model step (20 ms), [steps, CLASSES]; class 0 is the CTC blank, class i + 1 is
   * WORDS[i]. Of the first member, for the clip as recorded, when the model is an ensemble: an average of members
   * would halve each spike (they sit on different steps), and the transcript weighs every member of every view
   * (ensemble-decode.ts).
   */
  posteriors: { steps: number; data: Float32Array };
  timing: { featuresMs: number; modelMs: number; decodeMs: number };
}

/** How the transcriber hears a clip. */
export interface TranscriberOptions {
  /** Remove late reverberation (WPE) before the features: for recordings in reverberant rooms (FrontEndOptions). */
  dereverberate?: boolean;
  /** The speeds the clip is read at, each a view the model judges with (speed-views.ts); SPEED_VIEWS unless given. */
  speeds?: readonly number[];
}

/**
 * Transcribes connected digits and command words with the ONNX model: short clips whole,
 * long recordings segment by segment (split at pauses). Decoders: 'grammar' (default: a digit string or one command word, whichever the CTC
 * likelihood prefers), 'beam' (prefix beam search, width 8) or 'greedy' (best path). Each clip is read at
 * the speeds of `options.speeds` (SPEED_VIEWS: 1, 0.9, 1.1) and every view's output judges the transcript;
 * `options.dereverberate` removes late reverberation (WPE) before the features: for recordings in reverberant rooms.
 */
export class Transcriber {
  private constructor(private readonly model: OnnxModel, readonly decoder: Decoder, readonly frontEnd: FrontEndOptions, readonly speeds: readonly number[]) {}

  static async load(modelFile = DEFAULT_SPEECH_MODEL, decoder: Decoder = 'grammar', options: TranscriberOptions = {}): Promise<Transcriber> {
    if (!DECODERS.includes(decoder)) throw new Error(`unknown decoder '${decoder}' (grammar, beam or greedy)`);
    const speeds = checkSpeeds(options.speeds ?? SPEED_VIEWS);
    if (!fs.existsSync(modelFile)) throw new Error(`${modelFile}: speech model not found (npm run speech:corpus && npm run train:speech make it)`);
    const model = await OnnxModel.load(modelFile);
    if (model.inputFeatures !== FEATURE_DIM) {
      await model.release();
      throw new Error(`${modelFile}: the model takes ${model.inputFeatures ?? 'an unknown number of'} features per step, and this rnnkit's speech front end gives ${FEATURE_DIM}: a model made for another front end (or not a speech model)`);
    }
    return new Transcriber(model, decoder, { dereverberate: options.dereverberate === true }, speeds);
  }

  /**
   * 16 kHz mono samples to text; '' when there is no speech. The model has only heard speech,
   * so a clip in which the voice activity detector finds none (silence, steady noise, a tone)
   * is not given to it: it would name the least unlikely word. Nor is a long lead-in before the
   * speech (speechStart).
   */
  async transcribe(signal16k: Float32Array): Promise<string> {
    const start = speechStart(signal16k);
    return start === undefined ? '' : this.transcribeFrom(signal16k, start);
  }

  /** What every speed view reads: the clip, through WPE once when the front end asks (not once per view). */
  private heard(clip: Float32Array): Float32Array {
    return heardSignal(clip, this.frontEnd.dereverberate === true);
  }

  /** The transcript of the clip from sample `start` on (where speechStart says the speech begins). */
  private async transcribeFrom(signal16k: Float32Array, start: number): Promise<string> {
    const heard = this.heard(signal16k.subarray(start));
    return this.decode(await this.outputs(this.speeds.map((speed) => modelFeatures(heard, { speed }))));
  }

  /**
   * The transcript with what it was made from: the front end's frames and the model's
   * per-step class probabilities. The model runs even without speech, so that they can be shown.
   * The frames and probabilities are the whole clip's; the transcript is transcribe's, which drops
   * a lead-in before the speech (speechStart).
   */
  async analyze(signal16k: Float32Array): Promise<ClipAnalysis> {
    const start = performance.now();
    const speechAt = speechStart(signal16k);
    // Every view when the transcript decodes them (no lead-in cut); else only the one shown, the clip as recorded.
    const speeds = speechAt === 0 ? this.speeds : [1];
    const heard = this.heard(signal16k);
    const views = speeds.map((speed) => speechFeatures(heard, { speed }));
    const featuresDone = performance.now();
    const outputs = await this.outputs(views.map(stackFrames));
    const modelDone = performance.now();
    // Without a lead-in cut, the transcript decodes the outputs just computed (modelFeatures is these stacked frames).
    const text = speechAt === undefined ? '' : speechAt === 0 ? this.decode(outputs) : await this.transcribeFrom(signal16k, speechAt);
    const timing = { featuresMs: featuresDone - start, modelMs: modelDone - featuresDone, decodeMs: performance.now() - modelDone };
    const asRecorded = speeds.indexOf(1);
    const shown = outputs[asRecorded * (outputs.length / speeds.length)]; // its first member
    return { text, features: views[asRecorded], posteriors: { steps: shown.steps, data: softmaxRows(shown.logits, CLASSES) }, timing };
  }

  /**
   * The model's outputs for the stacked features of each view: every member's [steps, CLASSES] logits, view after
   * view. The views run as one batch (sequence lengths given, the shorter ones zero-padded): a third less time
   * than one run per view.
   */
  private async outputs(views: { steps: number; data: Float32Array }[]): Promise<StepLogits[]> {
    const T = Math.max(...views.map((f) => f.steps));
    const batch = new Float32Array(views.length * T * FEATURE_DIM);
    views.forEach((f, b) => batch.set(f.data, b * T * FEATURE_DIM));
    const lengths = views.map((f) => f.steps);
    const { output } = await this.model.run({ data: batch, batch: views.length, time: T, features: FEATURE_DIM }, { lengths });
    if (output.time !== T) throw new Error(`the model outputs ${output.time} steps for ${T} input steps: not a speech model (one output per step)`);
    return batchOutputs(output.data, T, lengths, CLASSES).flat();
  }

  private decode(outputs: readonly StepLogits[]): string {
    return decodeWords(decodeMembers(outputs, CLASSES, this.decoder));
  }

  /** An audio file (WAV, MP3, FLAC, Ogg) to text; a long recording's segments are joined by spaces. Bad files throw AudioError naming the file. */
  async transcribeFile(file: string): Promise<string> {
    return (await this.transcribeSegments(file)).segments.map((s) => s.text).join(' ');
  }

  /** An audio file to timed segments: short clips whole, recordings over MAX_CLIP_SECONDS split at pauses (up to MAX_AUDIO_SECONDS). */
  async transcribeSegments(file: string): Promise<Transcript> {
    const mono = await readMono16k(file);
    if (mono.length < MIN_SAMPLES) throw new AudioError(file, `too short: ${(mono.length / 16).toFixed(0)} ms of audio`);
    const seconds = mono.length / RATE;
    if (seconds <= MAX_CLIP_SECONDS) return { seconds, segmented: false, segments: [{ start: 0, end: seconds, text: await this.transcribe(mono) }] };

    const segments: TranscriptSegment[] = [];
    for (const { start, end } of detectSpeech(mono, RATE)) {
      const from = Math.max(0, Math.round((start - SEGMENT_CONTEXT_SECONDS) * RATE));
      const to = Math.min(mono.length, Math.round((end + SEGMENT_CONTEXT_SECONDS) * RATE));
      const text = await this.transcribe(mono.subarray(from, to));
      if (text !== '') segments.push({ start, end, text });
    }
    return { seconds, segmented: true, segments };
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}

/**
 * The no-speech gate: frames 6 dB above the noise floor, not the 12 dB that splits long recordings at
 * pauses. At 12 dB it silenced 7 to 18 of 20 command words at 10 dB SNR (validation voices, white, pink
 * and brown noise), at 6 dB 0 to 4; silence, steady noise and tones stay below either.
 */
const NO_SPEECH_GATE = { thresholdDb: 6 };

/**
 * The detector that finds where speech starts, to drop the lead-in: the gate's threshold, but bursts
 * from 50 ms count. A short vowel in noise can be all that a word shows above the floor (a synthetic
 * child's "six" at 20 dB SNR): with the gate's 0.1 s, its word was cut off. A click spans 30–40 ms of frames.
 */
const SPEECH_ONSET = { ...NO_SPEECH_GATE, minSpeechSeconds: 0.05 };
/** Lead-in kept before the first speech: the longest padding of the training utterances. */
const LEAD_IN_KEPT_SECONDS = 0.4;
/**
 * Shorter cuts are not made: a lead-in up to 0.7 s is near what the model was trained on, and a cut
 * changes the clip's CMVN statistics, which flipped words both ways. With no minimum (and the gate's
 * 0.1 s bursts), 215 of the 1000 validation clips were cut (median 0.09 s) and 3 more of their 336
 * command words were wrong; with these settings 4 are cut.
 */
const MIN_CUT_SECONDS = 0.3;

/**
 * Where the transcriber starts reading a clip, as a sample index: 0, or LEAD_IN_KEPT_SECONDS before
 * the first speech when that drops at least MIN_CUT_SECONDS; undefined when the no-speech gate finds
 * none. Given a longer lead-in, the model (trained with 0.05–0.4 s) names a digit for what it hears
 * there, a click or noise starting (scripts/diagnose-onset.ts: a click 0.5 s into a 1 s lead-in put a
 * digit before 33% of training-voice digit strings). Speech is looked for in the full band and in the
 * band the model hears (high-passed at MFCC.highpassHz), and speech in either counts: the full band
 * alone takes a DC offset or mains hum for the noise floor and misses quiet speech over it; the
 * high-passed band alone, which loses the speech's strong low harmonics but not white noise, missed
 * 6 of 55 validation command words at 10 dB SNR that the full band finds. The end of the clip is
 * kept: cutting it too (0.2 s after the last speech) lost words in noise on the validation corpus.
 */
export function speechStart(signal16k: Float32Array): number | undefined {
  const bands = [signal16k, highpass(signal16k, MFCC.highpassHz, RATE)];
  if (!bands.some((x) => detectSpeech(x, RATE, NO_SPEECH_GATE).length > 0)) return undefined;
  const first = Math.min(...bands.flatMap((x) => detectSpeech(x, RATE, SPEECH_ONSET).slice(0, 1).map((s) => s.start)));
  if (!Number.isFinite(first)) return 0;
  const cut = first - LEAD_IN_KEPT_SECONDS;
  return cut >= MIN_CUT_SECONDS ? Math.round(cut * RATE) : 0;
}

function softmaxRows(logits: ArrayLike<number>, C: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let off = 0; off < logits.length; off += C) {
    const logZ = rowLogSumExp(logits, off, C);
    for (let k = 0; k < C; k++) out[off + k] = Math.exp(logits[off + k] - logZ);
  }
  return out;
}

/** Decodes, mixes down and resamples; the source-rate channels go out of scope here. */
async function readMono16k(file: string): Promise<Float32Array> {
  return toMono16k(await readAudio(file, MAX_AUDIO_SECONDS));
}

/** Decoded audio as the transcriber takes it: one channel at 16 kHz. */
export function toMono16k(audio: Audio): Float32Array {
  return resample(toMono(audio), audio.sampleRate, RATE);
}
