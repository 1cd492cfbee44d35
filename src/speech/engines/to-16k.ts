import { decodeWav, toMono } from '../../audio/wav';
import { resample } from '../../audio/resample';

/** A synthesiser's WAV output as the 16 kHz mono samples every engine returns. */
export function wavTo16k(bytes: Uint8Array, name: string): Float32Array {
  const audio = decodeWav(bytes, name);
  return resample(toMono(audio), audio.sampleRate, 16000);
}
