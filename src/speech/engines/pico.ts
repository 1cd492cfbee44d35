import type { Prosody, VoiceSpec } from '../synthesize';
import { synthesizeWithTool } from './run-tool';

/**
 * SVOX Pico (Debian non-free libttspico-utils: pico2wave), voices en-US and en-GB (two women).
 * It reads its text from the command line, with its own markup for rate and pitch (percent of
 * normal): 1 → speed 100, pitch 0..1 → 70..130.
 */
export async function pico(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  if (!/^[a-z ]+$/.test(text)) throw new Error(`pico speaks plain words only, not ${JSON.stringify(text)}`);
  const marked = `<speed level="${Math.round(100 * prosody.rate)}"><pitch level="${Math.round(70 + 60 * prosody.pitch)}">${text}</pitch></speed>`;
  return synthesizeWithTool('pico2wave', (wav) => ['-l', voice.voice, '-w', wav, marked], text);
}
