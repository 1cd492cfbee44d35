import type { Rng } from '../core/rng';
import { addLeadIn, addNoise, LEAD_INS, normalizePeak, type NoiseType } from './augment';
import { clip, DEFAULT_ROOM_RATE, microphone, noiseGate, quantize16, randomTrainingChannel, roomImpulseReverb, telephone } from './channel';

/**
 * Recording conditions the transcriber is measured in: a channel (how the speech reached
 * the file) and background noise added at the talker's side, before the channel.
 * Training draws its own random channels (randomTrainingChannel) with other settings: its
 * rooms have random sizes and reverberation, its noise gate (randomTrainingNoise) comes before the room and line, and
 * GSM coding and pink noise are never used in training, so the test says how well the model generalises to them.
 */
export type ChannelName = 'wideband' | 'telephone-ulaw' | 'telephone-gsm' | 'reverb' | 'cheap-mic' | 'low-level' | 'noise-gated';

export interface Condition {
  channel: ChannelName;
  noise?: { type: NoiseType; snrDb: number };
}

const CHANNELS: Record<ChannelName, (x: Float32Array, rng: Rng) => Float32Array> = {
  wideband: (x) => x,
  'telephone-ulaw': (x) => telephone(x, 'ulaw'),
  'telephone-gsm': (x) => telephone(x, 'gsm'),
  reverb: (x, rng) => roomImpulseReverb(x, 0.6, 0, rng),
  // A small, tinny, overdriven microphone: no bass, a presence peak, clipped at a third of the peak.
  'cheap-mic': (x) => clip(microphone(x, 300, 4500, -6, 4, { hz: 2500, db: 9 }), 0.35),
  // Recorded 40 dB too quietly: 16-bit steps become audible against the speech.
  'low-level': (x) => quantize16(normalizePeak(x, -42)),
  // A hard gate (a gated microphone, VoIP without comfort noise): the quietest stretches become exact zeros.
  'noise-gated': (x) => noiseGate(x),
};

export function conditionName(c: Condition): string {
  return c.noise ? `${c.channel} + ${c.noise.type} ${c.noise.snrDb} dB` : `${c.channel}, clean`;
}

const noisy = (channel: ChannelName, type: NoiseType, snrDb: number): Condition => ({ channel, noise: { type, snrDb } });

/**
 * Validation's conditions (each validation utterance is in one of them, drawn at random): every channel clean and at
 * 20 dB SNR, and the noise types at 20 and 10 dB.
 */
export const VALIDATION_CONDITIONS: readonly Condition[] = [
  { channel: 'wideband' },
  noisy('wideband', 'white', 20), noisy('wideband', 'white', 10),
  noisy('wideband', 'pink', 20), noisy('wideband', 'pink', 10),
  noisy('wideband', 'babble', 20), noisy('wideband', 'babble', 10),
  { channel: 'telephone-ulaw' }, noisy('telephone-ulaw', 'pink', 20),
  { channel: 'telephone-gsm' }, noisy('telephone-gsm', 'pink', 20),
  { channel: 'reverb' }, noisy('reverb', 'pink', 20),
  { channel: 'cheap-mic' }, noisy('cheap-mic', 'pink', 20),
  { channel: 'low-level' },
];

/**
 * The test's conditions (every test utterance in each): validation's, and a noise gate over white noise at 20 dB, which
 * validation does not draw yet (adding it there would change every validation utterance's draw, and with it the
 * figures that chose the shipped model).
 */
export const TEST_CONDITIONS: readonly Condition[] = [...VALIDATION_CONDITIONS, noisy('noise-gated', 'white', 20)];

/** Clean speech through a named condition; `babblePool` is other talkers' speech for babble noise. */
export function applyCondition(speech: Float32Array, c: Condition, rng: Rng, babblePool: readonly Float32Array[]): Float32Array {
  const withNoise = c.noise ? addNoise(speech, c.noise.type, c.noise.snrDb, rng, babblePool) : speech;
  return CHANNELS[c.channel](withNoise, rng);
}

/** Training noise: none a third of the time, else white, brown or babble at 5–30 dB SNR (pink is kept for the test). */
export const TRAIN_NOISES: readonly NoiseType[] = ['white', 'brown', 'babble'];

/** Share of training utterances with a lead-in that is not a word (addLeadIn), its kind drawn uniformly. */
export const LEAD_IN_RATE = 0.25;

/**
 * Share of the noisy training utterances that then go through a noise gate (noiseGate: VoIP silence suppression,
 * a gated microphone), so that the model hears digital silence between words and consonants the gate cut.
 */
export const GATED_NOISE_RATE = 0.2;

/** Noise of a random type and SNR, then a noise gate GATED_NOISE_RATE of the time. */
export function randomTrainingNoise(speech: Float32Array, rng: Rng, babblePool: readonly Float32Array[]): Float32Array {
  const noisy = addNoise(speech, TRAIN_NOISES[rng.int(TRAIN_NOISES.length)], rng.uniform(5, 30), rng, babblePool);
  return rng.next() < GATED_NOISE_RATE ? noiseGate(noisy) : noisy;
}

/**
 * One training utterance's random recording condition: a lead-in, noise (sometimes gated), channel (a room for a share
 * `roomRate` of the utterances), level, 16-bit storage.
 */
export function randomTrainingCondition(speech: Float32Array, rng: Rng, babblePool: readonly Float32Array[], roomRate = DEFAULT_ROOM_RATE): Float32Array {
  let x = speech;
  if (rng.next() < LEAD_IN_RATE) x = addLeadIn(x, LEAD_INS[rng.int(LEAD_INS.length)], rng);
  if (rng.next() >= 0.33) x = randomTrainingNoise(x, rng, babblePool);
  x = randomTrainingChannel(x, rng, roomRate);
  return quantize16(normalizePeak(x, rng.uniform(-45, -1)));
}

