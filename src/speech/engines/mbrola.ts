import type { Prosody, VoiceSpec } from '../synthesize';
import { espeakNg } from './espeak-ng';

/**
 * MBROLA's diphone voices: recordings of real speakers (us1 a US woman, us2 and us3 US men, en1 a
 * British man), driven by espeak-ng's text-to-phoneme front end (its `mb-<voice>` voices). Voices
 * named `<xx>-en` (de4-en, fr1-en, sw2-en, …) are speakers of other languages saying English: espeak-ng
 * maps the English phonemes onto their diphones, so they speak with an accent. Debian packages mbrola
 * (contrib) and mbrola-us1 … (non-free): scripts/install-corpus-voices.sh.
 */
export function mbrola(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  return espeakNg(mbrolaText(text), { engine: 'espeak-ng', voice: `mb-${voice.voice}` }, prosody);
}

/**
 * espeak-ng says "on" and "off" with its vowel O2, for which us3 has no diphones: MBROLA replaces them
 * with silence. The vowel 0 (/ɒ/) is in every voice and sounds alike.
 */
const MISSING_DIPHONES: Record<string, string> = { on: '[[0n]]', off: '[[0f]]' };

/** The text as the engine gives it to espeak-ng: words whose diphones some voice lacks in phonemes. */
export function mbrolaText(text: string): string {
  return text.split(' ').map((w) => MISSING_DIPHONES[w] ?? w).join(' ');
}
