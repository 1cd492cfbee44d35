import { AudioError } from '../audio/audio-error';
import { describeStart, sniffAudioFormat, SUPPORTED_FORMATS } from '../audio/audio-format';
import { isTooLongProblem, tooLongProblem } from '../audio/limits';
import { decodeAudio } from '../audio/read-audio';
import { toMono16k, type Transcriber } from '../speech/transcriber';
import { analysisJson, type AnalysisJson } from './analysis-json';
import { HttpError } from './http-error';

const PCM_RATE = 16000;
/** Shorter than one 25 ms analysis window: nothing to transcribe. */
const MIN_SAMPLES = 400;

/**
 * The demo's transcription endpoints: an uploaded audio file (any format the transcriber
 * decodes, recognised from its bytes) or 16 kHz mono 16-bit little-endian PCM (what the page
 * records), each answered with the transcript and what the page plots. Problems with the audio
 * become HttpErrors: 415 not audio, 413 too long, 400 broken or too short.
 */
export class TranscribeApi {
  constructor(private readonly transcriber: Transcriber, private readonly maxSeconds: number) {}

  async file(bytes: Uint8Array, name: string): Promise<AnalysisJson> {
    if (bytes.length === 0) throw new HttpError(400, `${name}: empty upload`);
    if (sniffAudioFormat(bytes) === null) {
      throw new HttpError(415, `${name}: not an audio file (it starts with "${describeStart(bytes)}"; the demo takes ${SUPPORTED_FORMATS})`);
    }
    const start = performance.now();
    let signal: Float32Array;
    try {
      signal = toMono16k(await decodeAudio(bytes, name, this.maxSeconds));
    } catch (err) {
      if (err instanceof AudioError) throw new HttpError(isTooLongProblem(err.problem) ? 413 : 400, err.message);
      throw err;
    }
    return this.analyze(signal, name, performance.now() - start);
  }

  async pcm(bytes: Uint8Array): Promise<AnalysisJson> {
    const name = 'recording';
    if (bytes.length % 2 !== 0) throw new HttpError(400, `${name}: 16-bit PCM has an even number of bytes, got ${bytes.length}`);
    const seconds = bytes.length / 2 / PCM_RATE;
    if (seconds > this.maxSeconds) throw new HttpError(413, `${name}: ${tooLongProblem(seconds, this.maxSeconds)}`);
    const start = performance.now();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const signal = Float32Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(2 * i, true) / 32768);
    return this.analyze(signal, name, performance.now() - start);
  }

  private async analyze(signal16k: Float32Array, name: string, decodeAudioMs: number): Promise<AnalysisJson> {
    if (signal16k.length < MIN_SAMPLES) throw new HttpError(400, `${name}: too short: ${Math.round((signal16k.length / PCM_RATE) * 1000)} ms of audio`);
    return analysisJson(signal16k, await this.transcriber.analyze(signal16k), decodeAudioMs);
  }
}
