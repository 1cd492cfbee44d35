import type { VoiceSpec } from './synthesize';

const ESPEAK_TRAIN_ACCENTS = ['en-us', 'en-gb', 'en-gb-x-gbclan', 'en-gb-x-rp'];
const ESPEAK_VARIANTS = [
  '', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3',
  'croak', 'adam', 'david', 'john', 'linda', 'steph', 'paul', 'rob', 'robert', 'edward', 'max', 'norbert', 'belinda', 'aunty',
];
const FLITE_TRAIN = ['kal16', 'awb', 'kal'];

/**
 * Training voices. flite has few voices but they differ most from espeak-ng's formant
 * synthesis, so each is listed many times to make about a third of the corpus.
 */
export const TRAIN_VOICES: VoiceSpec[] = [
  ...ESPEAK_TRAIN_ACCENTS.flatMap((voice) => ESPEAK_VARIANTS.map((v) => ({ engine: 'espeak-ng' as const, voice, ...(v ? { variant: v } : {}) }))),
  ...Array.from({ length: 20 }, () => FLITE_TRAIN.map((voice) => ({ engine: 'flite' as const, voice }))).flat(),
];

/** Validation voices: an accent and a flite voice that training never hears (and none of the reserved ones). */
export const VALIDATION_VOICES: VoiceSpec[] = [
  { engine: 'espeak-ng', voice: 'en-029' },
  { engine: 'espeak-ng', voice: 'en-029', variant: 'f2' },
  { engine: 'espeak-ng', voice: 'en-029', variant: 'm3' },
  { engine: 'flite', voice: 'slt' },
  { engine: 'flite', voice: 'slt' },
  { engine: 'flite', voice: 'slt' },
];
