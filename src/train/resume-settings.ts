/** The settings a training run stores in its checkpoint, which a resume must repeat (numbers, flags, file names). */
export type RunSettings = Record<string, number | boolean | string>;

type Saved = Record<string, number | boolean | string | null>;

/**
 * Refuses to resume from `file` when it was made with other settings than this run's: a resume
 * that quietly changed the seed, batch size or data would give figures that belong to no run.
 * Every key of either side counts (one the checkpoint has and this run does not is a change too).
 * JSON stores Infinity as null, so a null saved value stands for Infinity.
 */
export function requireSameSettings(file: string, saved: Saved, current: RunSettings): void {
  const savedValue = (k: string) => (saved[k] === null ? Infinity : saved[k]);
  const keys = [...new Set([...Object.keys(current), ...Object.keys(saved)])];
  const changed = keys.filter((k) => savedValue(k) !== current[k]);
  if (changed.length === 0) return;
  const show = (k: string, v: unknown) => {
    const text = v === Infinity ? 'all' : v === undefined ? 'unset' : v === '' ? 'none' : String(v);
    // "17" saved against 17 wanted: quote values whose text alone would look the same.
    return String(savedValue(k)) === String(current[k]) ? JSON.stringify(v) : text;
  };
  throw new Error(`--resume: ${file} was made with ${changed.map((k) => `${k} ${show(k, savedValue(k))}`).join(', ')}; `
    + `this run asks for ${changed.map((k) => `${k} ${show(k, current[k])}`).join(', ')}: resume with the same options`);
}
