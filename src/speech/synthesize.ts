import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeWav, toMono } from '../audio/wav';
import { resample } from '../audio/resample';

/**
 * Text to 16 kHz speech with Debian's espeak-ng or flite (apt-get install espeak-ng flite).
 * Voices kept for the project's final evaluation are refused here, so that no corpus built
 * with this module can contain them.
 */
export interface VoiceSpec {
  engine: 'espeak-ng' | 'flite';
  /** espeak-ng: language/accent, e.g. en-us; flite: voice name, e.g. kal16. */
  voice: string;
  /** espeak-ng voice variant, e.g. f3 or klatt2. */
  variant?: string;
}

export interface Prosody {
  /** Speaking rate relative to normal (1 = normal). */
  rate: number;
  /** Pitch in [0, 1] (espeak-ng -p 0..99; flite mean F0 80..200 Hz). */
  pitch: number;
}

/** Held out by the developers' guide: never used in training. */
export const RESERVED_VOICES: readonly VoiceSpec[] = [
  { engine: 'flite', voice: 'rms' },
  { engine: 'espeak-ng', voice: 'en-gb-scotland' },
  { engine: 'espeak-ng', voice: 'en-us-nyc' },
  { engine: 'espeak-ng', voice: 'en-gb-x-gbcwmd' },
];
// festival's 'ked' is reserved too; this module does not drive festival at all.

export function voiceName(v: VoiceSpec): string {
  return `${v.engine}:${v.voice}${v.variant ? `+${v.variant}` : ''}`;
}

export function isReserved(v: VoiceSpec): boolean {
  return RESERVED_VOICES.some((r) => r.engine === v.engine && r.voice === v.voice);
}

// The synthesisers' own chatter stays out of the caller's output (a failure still throws with it).
const QUIET = { stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'] };

export async function synthesize(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  if (isReserved(voice)) throw new Error(`${voiceName(voice)} is reserved for evaluation and must not be synthesised for training`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-tts-'));
  const wav = path.join(dir, 'out.wav');
  try {
    if (voice.engine === 'espeak-ng') {
      const v = voice.variant ? `${voice.voice}+${voice.variant}` : voice.voice;
      execFileSync('espeak-ng', ['-v', v, '-s', String(Math.round(160 * prosody.rate)), '-p', String(Math.round(prosody.pitch * 99)), '-w', wav, text], QUIET);
    } else {
      execFileSync('flite', ['-voice', voice.voice, '-t', text, '-o', wav,
        '--setf', `duration_stretch=${(1 / prosody.rate).toFixed(3)}`, '--setf', `int_f0_target_mean=${Math.round(80 + 120 * prosody.pitch)}`], QUIET);
    }
    const audio = decodeWav(fs.readFileSync(wav), wav);
    return resample(toMono(audio), audio.sampleRate, 16000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
