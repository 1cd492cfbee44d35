import type { Prosody, VoiceSpec } from '../synthesize';
import { espeakNg } from './espeak-ng';

/**
 * MBROLA's diphone voices: recordings of real speakers (us1 a US woman, us2 and us3 US men, en1 a
 * British man), driven by espeak-ng's text-to-phoneme front end (its `mb-<voice>` voices). Debian
 * packages mbrola (contrib) and mbrola-us1 … -en1 (non-free): scripts/install-corpus-voices.sh.
 */
export function mbrola(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  return espeakNg(text, { engine: 'espeak-ng', voice: `mb-${voice.voice}` }, prosody);
}
