/**
 * Test-time speed views. The transcriber reads each clip at these speeds — 1 as recorded, 0.9 slower
 * with pitch and formants 10% lower, 1.1 faster and higher: what training's speed perturbation does to
 * its utterances (×0.85–1.25, corpus.ts) — runs the model on each, and every view's members judge the
 * candidates together (ensemble-decode.ts). A speaker whose vocal tract the model heard less of is then
 * also heard as a shorter and a longer one. Chosen on the validation set (README): with the four members (before
 * their gated fine-tuning), digit WER 4.73% and commands 88.7% against 5.43% / 88.3% with one view.
 */
export const SPEED_VIEWS: readonly number[] = [1, 0.9, 1.1];

/** The speeds a view may read a clip at: training's speed perturbation range, outside which the model heard nothing. */
export const VIEW_SPEED_RANGE = { min: 0.85, max: 1.25 } as const;
const MAX_VIEWS = 5;

/**
 * Speeds for the transcriber, checked: 1 to 5 distinct numbers within VIEW_SPEED_RANGE, 1 among them (the
 * clip as recorded is always heard, and is what analyze shows on the clip's own time axis).
 */
export function checkSpeeds(speeds: readonly number[]): readonly number[] {
  if (speeds.length < 1 || speeds.length > MAX_VIEWS) throw new Error(`speed views: give 1 to ${MAX_VIEWS} speeds, not ${speeds.length}`);
  for (const s of speeds) {
    if (!(typeof s === 'number' && s >= VIEW_SPEED_RANGE.min && s <= VIEW_SPEED_RANGE.max)) {
      throw new Error(`speed views: ${s} is outside ${VIEW_SPEED_RANGE.min}–${VIEW_SPEED_RANGE.max} (training's speed perturbation range)`);
    }
  }
  if (new Set(speeds).size !== speeds.length) throw new Error(`speed views: ${speeds.join(',')} repeats a speed`);
  if (!speeds.includes(1)) throw new Error(`speed views: ${speeds.join(',')} leaves out 1, the clip as recorded`);
  return [...speeds];
}

/** A comma-separated list of speeds (a command line's `--speeds 1,0.9,1.1`), checked. */
export function parseSpeeds(text: string): readonly number[] {
  return checkSpeeds(text.split(',').map((s) => {
    if (!/^\s*\d+(\.\d+)?\s*$/.test(s)) throw new Error(`speed views: '${s}' is not a number (give speeds such as 1,0.9,1.1)`);
    return Number(s);
  }));
}
