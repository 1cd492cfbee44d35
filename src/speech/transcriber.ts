import * as path from 'path';
import { AudioError } from '../audio/audio-error';
import { readAudio } from '../audio/read-audio';
import { resample } from '../audio/resample';
import { toMono } from '../audio/wav';
import { OnnxModel } from '../onnx/onnx-model';
import { beamDecode, greedyDecode } from '../train/ctc-decode';
import { modelFeatures } from './features';
import { grammarDecode } from './grammar-decode';
import { CLASSES, decodeWords } from './vocabulary';
import * as fs from 'fs';

/** The model shipped in the repository (models/speech.onnx, made by npm run train:speech). */
export const DEFAULT_SPEECH_MODEL = path.join(__dirname, '..', '..', 'models', 'speech.onnx');
/** Clips longer than this are refused: the model is trained on short utterances. */
export const MAX_CLIP_SECONDS = 20;
/** Shorter than one analysis window. */
const MIN_SAMPLES = 400;

export type Decoder = 'grammar' | 'beam' | 'greedy';

/**
 * Transcribes short clips of connected digits and command words with the ONNX model.
 * Decoders: 'grammar' (default: a digit string or one command word, whichever the CTC
 * likelihood prefers), 'beam' (prefix beam search, width 8) or 'greedy' (best path).
 */
export class Transcriber {
  private constructor(private readonly model: OnnxModel, readonly decoder: Decoder) {}

  static async load(modelFile = DEFAULT_SPEECH_MODEL, decoder: Decoder = 'grammar'): Promise<Transcriber> {
    if (!['grammar', 'beam', 'greedy'].includes(decoder)) throw new Error(`unknown decoder '${decoder}' (grammar, beam or greedy)`);
    if (!fs.existsSync(modelFile)) throw new Error(`${modelFile}: speech model not found (npm run speech:corpus && npm run train:speech make it)`);
    return new Transcriber(await OnnxModel.load(modelFile), decoder);
  }

  /** 16 kHz mono samples to text. */
  async transcribe(signal16k: Float32Array): Promise<string> {
    const f = modelFeatures(signal16k);
    const { output } = await this.model.run({ data: f.data, batch: 1, time: f.steps, features: f.data.length / f.steps });
    if (output.features !== CLASSES) throw new Error(`the model outputs ${output.features} classes, the vocabulary has ${CLASSES}`);
    const T = f.steps;
    const ids = this.decoder === 'grammar' ? grammarDecode(output.data, T, CLASSES)
      : this.decoder === 'beam' ? beamDecode(output.data, T, CLASSES, 8) : greedyDecode(output.data, T, CLASSES);
    return decodeWords(ids);
  }

  /** An audio file (WAV, MP3, FLAC, Ogg) to text; bad files throw AudioError naming the file. */
  async transcribeFile(file: string): Promise<string> {
    const audio = await readAudio(file);
    const seconds = audio.channels[0].length / audio.sampleRate;
    if (seconds > MAX_CLIP_SECONDS) throw new AudioError(file, `too long: ${seconds.toFixed(1)} s (clips up to ${MAX_CLIP_SECONDS} s)`);
    const mono = resample(toMono(audio), audio.sampleRate, 16000);
    if (mono.length < MIN_SAMPLES) throw new AudioError(file, `too short: ${(mono.length / 16).toFixed(0)} ms of audio`);
    return this.transcribe(mono);
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
