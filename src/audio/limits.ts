/**
 * What an untrusted audio file may make us allocate. Durations are checked from the header
 * before decoding where the format states them (WAV, FLAC, Ogg) and while decoding otherwise.
 */
/** Longest audio accepted: one hour (about 230 MB of 16 kHz float samples once resampled). */
export const MAX_AUDIO_SECONDS = 3600;
/** Largest compressed file (MP3, Ogg, FLAC) read: 50 MB is hours of speech at any usual bit rate. */
export const MAX_COMPRESSED_BYTES = 50e6;
/** Largest WAV file read: one hour of 48 kHz stereo 24-bit PCM fits (1.04 GB). */
export const MAX_WAV_BYTES = 1.1e9;

const TOO_LONG = 'too long: ';

/** The problem reported for audio over the limit. */
export function tooLongProblem(seconds: number, maxSeconds: number): string {
  return `${TOO_LONG}${seconds.toFixed(1)} s (audio up to ${maxSeconds} s)`;
}

/** Whether an AudioError's problem is audio over the duration limit (rather than a broken file). */
export function isTooLongProblem(problem: string): boolean {
  return problem.startsWith(TOO_LONG);
}
