import type { VoiceSpec } from './synthesize';

const ESPEAK_TRAIN_ACCENTS = ['en-us', 'en-gb', 'en-gb-x-gbclan', 'en-gb-x-rp'];
const ESPEAK_VARIANTS = [
  '', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3',
  'croak', 'adam', 'david', 'john', 'linda', 'steph', 'paul', 'rob', 'robert', 'edward', 'max', 'norbert', 'belinda', 'aunty',
];
// Every flite voice but the reserved rms: flite's few voices differ most from espeak-ng's
// formant synthesis, and slt is the only female one.
const FLITE_TRAIN = ['kal16', 'awb', 'kal', 'slt'];

/**
 * Training voices. Each flite voice is listed many times so that flite makes about a
 * third of the corpus.
 */
export const TRAIN_VOICES: VoiceSpec[] = [
  ...ESPEAK_TRAIN_ACCENTS.flatMap((voice) => ESPEAK_VARIANTS.map((v) => ({ engine: 'espeak-ng' as const, voice, ...(v ? { variant: v } : {}) }))),
  ...Array.from({ length: 16 }, () => FLITE_TRAIN.map((voice) => ({ engine: 'flite' as const, voice }))).flat(),
];

/**
 * Validation voices: espeak-ng's Caribbean accent, which training never hears, with a
 * spread of variants. (Every flite voice that is not reserved is needed for training;
 * the reserved voices are never used here at all.)
 */
export const VALIDATION_VOICES: VoiceSpec[] = ['', 'f2', 'm3', 'f4', 'm6', 'klatt3'].map((variant) => ({
  engine: 'espeak-ng' as const, voice: 'en-029', ...(variant ? { variant } : {}),
}));

/** Test voices: the unseen accent (as validation, other utterances) and a recorded speaker no model trains on. */
export const TEST_VOICES: VoiceSpec[] = [...VALIDATION_VOICES, ...VALIDATION_VOICES.map(() => ({ engine: 'flite' as const, voice: 'awb' }))];
