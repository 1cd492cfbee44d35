/** The settings a training run stores in its checkpoint, which a resume must repeat (numbers, flags). */
export type RunSettings = Record<string, number | boolean>;

/**
 * Refuses to resume from `file` when it was made with other settings than this run's: a resume
 * that quietly changed the seed, batch size or data would give figures that belong to no run.
 * JSON stores Infinity as null, so a null saved value stands for Infinity.
 */
export function requireSameSettings(file: string, saved: Record<string, number | boolean | null>, current: RunSettings): void {
  const show = (v: number | boolean | null | undefined) => (v === null || v === Infinity ? 'all' : v === undefined ? 'unset' : String(v));
  const changed = Object.keys(current).filter((k) => (saved[k] === null ? Infinity : saved[k]) !== current[k]);
  if (changed.length === 0) return;
  throw new Error(`--resume: ${file} was made with ${changed.map((k) => `${k} ${show(saved[k])}`).join(', ')}; `
    + `this run asks for ${changed.map((k) => `${k} ${show(current[k])}`).join(', ')}: resume with the same options`);
}
