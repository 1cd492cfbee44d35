import type { Prosody, VoiceSpec } from '../synthesize';
import { synthesizeWithTool } from './run-tool';

/** Debian's espeak-ng (apt-get install espeak-ng); the text may hold [[phonemes]]. */
export function espeakNg(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  const v = voice.variant ? `${voice.voice}+${voice.variant}` : voice.voice;
  return synthesizeWithTool('espeak-ng', (wav, textFile) => ['-v', v, '-s', String(Math.round(160 * prosody.rate)), '-p', String(Math.round(prosody.pitch * 99)), '-w', wav, '-f', textFile], text);
}
