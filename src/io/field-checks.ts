/**
 * Checks for the fields of untrusted JSON (training specs, model configs, checkpoints).
 * Each returns the value with its type narrowed, or throws a FieldError naming the field
 * (`model.layers[0].hiddenSize`) and the problem; values are described briefly, never echoed at length.
 */
export class FieldError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'FieldError';
  }
}

/** A short description of a value for an error message (long strings and objects are not echoed). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return v.length <= 40 && /^[\x20-\x7e]*$/.test(v) ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : typeof v === 'object' ? 'an object' : typeof v;
}

export function integer(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldError(field, `must be an integer, got ${describeValue(v)}`);
  if (v < min) throw new FieldError(field, min === 1 ? `must be a positive integer, got ${v}` : `must be at least ${min}, got ${v}`);
  if (v > max) throw new FieldError(field, `${v} is over the limit of ${max}`);
  return v;
}

export const positiveInteger = (field: string, v: unknown, max: number): number => integer(field, v, 1, max);

/** A finite number in a range; the exclusive flags make a bound strict (e.g. a learning rate > 0). */
export function number(field: string, v: unknown, range: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(field, `must be a finite number, got ${describeValue(v)}`);
  const { min = -Infinity, max = Infinity, exclusiveMin = false, exclusiveMax = false } = range;
  if (exclusiveMin ? v <= min : v < min) throw new FieldError(field, `must be ${exclusiveMin ? 'greater than' : 'at least'} ${min}, got ${v}`);
  if (exclusiveMax ? v >= max : v > max) throw new FieldError(field, `must be ${exclusiveMax ? 'less than' : 'at most'} ${max}, got ${v}`);
  return v;
}

export function oneOf<T extends string>(field: string, v: unknown, names: readonly T[]): T {
  if (typeof v !== 'string' || !names.includes(v as T)) throw new FieldError(field, `must be one of ${names.join(', ')}; got ${describeValue(v)}`);
  return v as T;
}

export function boolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new FieldError(field, `must be true or false, got ${describeValue(v)}`);
  return v;
}

export function text(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new FieldError(field, `must be a non-empty string, got ${describeValue(v)}`);
  return v;
}

/** A plain object; with `known`, any other key is refused (a typo would otherwise be ignored silently). */
export function object(field: string, v: unknown, known?: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FieldError(field, `must be an object, got ${describeValue(v)}`);
  const unknownKey = known && Object.keys(v).find((k) => !known.includes(k));
  if (unknownKey !== undefined) throw new FieldError(field, `unknown field ${describeValue(unknownKey)} (known: ${known!.join(', ')})`);
  return v as Record<string, unknown>;
}

export function array(field: string, v: unknown, maxLength: number): unknown[] {
  if (!Array.isArray(v)) throw new FieldError(field, `must be an array, got ${describeValue(v)}`);
  if (v.length > maxLength) throw new FieldError(field, `has ${v.length} entries, over the limit of ${maxLength}`);
  return v;
}

/** Checks an optional field: undefined stays undefined. */
export function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}
