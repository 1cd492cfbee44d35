import type { Prosody, VoiceSpec } from '../synthesize';
import { FestivalSession, schemeString } from './festival-session';
import { wavTo16k } from './to-16k';
import { requireKnownVoice } from './known-voice';

interface FestivalVoice {
  /** Scheme evaluated once, after the voice is selected. */
  setup: string[];
  /** Scheme evaluated before each utterance, setting its prosody. */
  prosody: (prosody: Prosody) => string[];
}

// kal_diphone (festvox-kallpc16k): a diphone voice, so festival's own duration and intonation
// models apply. Its voice file sets Duration_Stretch 1.1 and a 105 Hz mean F0 (std 14 Hz);
// pitch 0..1 maps to 70..140 Hz with the spread scaled alike (measured: 82/106/150 Hz median
// F0 at 80/105/150).
const diphone: FestivalVoice = {
  setup: [],
  prosody: ({ rate, pitch }) => {
    const mean = 70 + 70 * pitch;
    return [
      `(Parameter.set 'Duration_Stretch ${(1.1 / rate).toFixed(3)})`,
      `(set! int_lr_params '((target_f0_mean ${mean.toFixed(1)}) (target_f0_std ${((14 * mean) / 105).toFixed(1)}) (model_f0_mean 170) (model_f0_std 34)))`,
    ];
  },
};

// cmu_us_slt_arctic_hts (festvox-us-slt-hts): the HMM generates durations and F0 itself, so
// Duration_Stretch and int_lr_params do nothing; the hts_engine speed option (-r) sets the
// rate, added to the voice's own options (kept at setup). Debian's festival 2.5 module ignores
// the half-tone shift (-fm: same F0 measured at -6, 0 and +6), so pitch is left to the
// caller's resampling.
const hts: FestivalVoice = {
  setup: ['(set! rnnkit_hts_params hts_engine_params)'],
  prosody: ({ rate }) => [`(set! hts_engine_params (cons (list "-r" ${rate.toFixed(3)}) rnnkit_hts_params))`],
};

/** The festival voices this module drives; festival's ked (festvox-kdlpc16k) is reserved and never installed. */
export const FESTIVAL_VOICES: Readonly<Record<string, FestivalVoice>> = {
  kal_diphone: diphone,
  cmu_us_slt_arctic_hts: hts,
};

const sessions = new Map<string, FestivalSession>();

function session(name: string, voice: FestivalVoice): FestivalSession {
  let s = sessions.get(name);
  if (!s || s.ended) {
    s = new FestivalSession([`(voice_${name})`, ...voice.setup]);
    sessions.set(name, s);
  }
  return s;
}

/** Debian's festival (apt-get install festival festvox-kallpc16k festvox-us-slt-hts). */
export async function festival(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  requireKnownVoice('festival', voice.voice, Object.keys(FESTIVAL_VOICES));
  const v = FESTIVAL_VOICES[voice.voice];
  const wav = await session(voice.voice, v).synthesize((file) =>
    [...v.prosody(prosody), `(utt.save.wave (utt.synth (eval (list 'Utterance 'Text ${schemeString(text)}))) ${schemeString(file)} 'riff)`].join(' '));
  return wavTo16k(wav, `festival ${voice.voice} output`);
}
