import { readBytes } from '../io/read-file';
import { AudioError } from './audio-error';
import { describeStart, sniffAudioFormat, SUPPORTED_FORMATS } from './audio-format';
import { decodeCompressed } from './compressed';
import { declaredSeconds } from './declared-duration';
import { MAX_AUDIO_SECONDS, MAX_COMPRESSED_BYTES, MAX_WAV_BYTES, tooLongProblem } from './limits';
import { decodeWav, type Audio } from './wav';

/**
 * Decodes an audio file of any supported format (detected from its first bytes) after the
 * size and duration checks of ./limits; every problem is an AudioError naming the file.
 */
export async function decodeAudio(bytes: Uint8Array, file = '<audio>', maxSeconds = MAX_AUDIO_SECONDS): Promise<Audio> {
  if (bytes.length === 0) throw new AudioError(file, 'empty file');
  const format = sniffAudioFormat(bytes);
  if (format === null) throw new AudioError(file, `unknown audio format (starts with "${describeStart(bytes)}"; supported: ${SUPPORTED_FORMATS})`);
  if (format === 'wav') return decodeWav(bytes, file, maxSeconds);
  if (bytes.length > MAX_COMPRESSED_BYTES) {
    throw new AudioError(file, `too large: ${(bytes.length / 1e6).toFixed(1)} MB (compressed files up to ${MAX_COMPRESSED_BYTES / 1e6} MB)`);
  }
  const declared = declaredSeconds(bytes, format);
  if (declared !== null && declared > maxSeconds) throw new AudioError(file, tooLongProblem(declared, maxSeconds));
  return decodeCompressed(bytes, format, file, maxSeconds);
}

/** Reads and decodes an audio file; the file size is checked before it is read. */
export async function readAudio(file: string, maxSeconds = MAX_AUDIO_SECONDS): Promise<Audio> {
  return decodeAudio(readBytes(file, (problem) => new AudioError(file, problem), MAX_WAV_BYTES), file, maxSeconds);
}
