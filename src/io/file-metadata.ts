import { describeValue } from './field-checks';

/*
 * Checks of the fields every rnnkit file format carries (models, checkpoints, language models): its
 * version, JSON kept in safetensors string metadata, and counts of numbered tensors. One place words
 * their refusals, so that every reader names the problem alike.
 */

type Fail = (problem: string) => Error;

/**
 * The file's version (a number, or its decimal text in safetensors metadata), refused when absent or
 * not a whole number from 1 on, or newer than `newest`. `what` names the file kind ("model file").
 */
export function checkFileVersion(version: unknown, newest: number, what: string, fail: Fail): number {
  const v = typeof version === 'string' && /^\d+$/.test(version) ? Number(version) : version;
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) throw fail(`${what} has no valid version (${describeValue(version)})`);
  if (v > newest) throw fail(`${what} version ${v} is newer than this rnnkit supports (${newest}); upgrade rnnkit`);
  return v;
}

/** A safetensors metadata field holding JSON, parsed; refused, by name, when absent or not JSON. */
export function metadataJson(meta: Record<string, string | undefined>, key: string, fail: Fail): unknown {
  try {
    return JSON.parse(meta[key] ?? '');
  } catch {
    throw fail(`the metadata holds no valid "${key}"`);
  }
}

/** A whole-number count kept in safetensors metadata (of numbered tensors), within [min, max]. */
export function metadataCount(meta: Record<string, string | undefined>, key: string, min: number, max: number, fail: Fail): number {
  const n = Number(meta[key] ?? NaN);
  if (!(Number.isInteger(n) && n >= min && n <= max)) throw fail(`the metadata holds no valid "${key}"`);
  return n;
}
