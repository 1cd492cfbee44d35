import { espeakNg } from './engines/espeak-ng';
import { festival } from './engines/festival';
import { flite } from './engines/flite';
import { gnuspeech } from './engines/gnuspeech';
import { mbrola } from './engines/mbrola';
import { pico } from './engines/pico';
import { rhvoice } from './engines/rhvoice';

/**
 * Text to 16 kHz mono speech with one of several synthesisers (engines/: one module each).
 * Voices kept for the project's final evaluation are refused here, so that no corpus built
 * with this module can contain them.
 */
export interface VoiceSpec {
  engine: 'espeak-ng' | 'flite' | 'festival' | 'gnuspeech' | 'mbrola' | 'pico' | 'rhvoice';
  /** espeak-ng: language/accent, e.g. en-us; flite: voice name, e.g. kal16; festival: voice name, e.g. kal_diphone;
   *  gnuspeech: male, female, large_child, small_child or baby; mbrola: us1, us2, us3, en1 or an
   *  accented-English voice such as de4-en; pico: en-US or en-GB; rhvoice: bdl, clb, slt, evgeniy-eng or lyubov. */
  voice: string;
  /** espeak-ng voice variant, e.g. f3 or klatt2. */
  variant?: string;
}

export interface Prosody {
  /** Speaking rate relative to normal (1 = normal). */
  rate: number;
  /** Pitch in [0, 1] (espeak-ng -p 0..99; flite mean F0 80..200 Hz; each engine maps it to its own range). */
  pitch: number;
}

/** Held out by the developers' guide: never used in training. */
export const RESERVED_VOICES: readonly VoiceSpec[] = [
  { engine: 'flite', voice: 'rms' },
  { engine: 'espeak-ng', voice: 'en-gb-scotland' },
  { engine: 'espeak-ng', voice: 'en-us-nyc' },
  { engine: 'espeak-ng', voice: 'en-gb-x-gbcwmd' },
  // festvox-kdlpc16k: never installed by this project
  { engine: 'festival', voice: 'ked_diphone' },
  { engine: 'festival', voice: 'ked' },
  // Alan W Black, the speaker of flite's awb: the speaker hold-out must stay unheard
  { engine: 'rhvoice', voice: 'alan' },
];

export function voiceName(v: VoiceSpec): string {
  return `${v.engine}:${v.voice}${v.variant ? `+${v.variant}` : ''}`;
}

export function isReserved(v: VoiceSpec): boolean {
  return RESERVED_VOICES.some((r) => r.engine === v.engine && r.voice === v.voice);
}

type Engine = (text: string, voice: VoiceSpec, prosody: Prosody) => Promise<Float32Array>;

const ENGINES: Record<VoiceSpec['engine'], Engine> = {
  'espeak-ng': espeakNg,
  flite,
  festival,
  gnuspeech,
  mbrola,
  pico,
  rhvoice,
};

export async function synthesize(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  if (isReserved(voice)) throw new Error(`${voiceName(voice)} is reserved for evaluation and must not be synthesised for training`);
  return ENGINES[voice.engine](text, voice, prosody);
}
