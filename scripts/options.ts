/**
 * Command-line options of the project's scripts, read one way: each script declares its options,
 * and an unknown one (a typo such as --epoch), one given twice, an option without its value, or a
 * number that is not one is refused with its name, instead of a run that goes on with a default or NaN.
 */
import * as path from 'path';
import { parseArgs } from 'util';

export interface OptionDeclaration {
  /** Options that take a value (--name value or --name=value). */
  values?: readonly string[];
  /** Options that are given or not. */
  flags?: readonly string[];
  /** Whether arguments other than options are taken (returned as `positionals`). */
  positionals?: boolean;
}

export class ScriptOptions {
  readonly positionals: string[];
  private readonly given: Record<string, string | boolean | undefined>;

  constructor(private readonly declared: OptionDeclaration, argv: string[] = process.argv.slice(2)) {
    const options: Record<string, { type: 'string' | 'boolean' }> = {};
    for (const name of declared.values ?? []) options[name] = { type: 'string' };
    for (const name of declared.flags ?? []) options[name] = { type: 'boolean' };
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: declared.positionals ?? false, tokens: true });
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : err} (options: ${this.list() || 'none'})`);
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
      if (token.kind !== 'option') continue;
      // util.parseArgs keeps the last of two; which one a run used should not be a guess.
      if (seen.has(token.name)) throw new Error(`--${token.name} is given twice`);
      seen.add(token.name);
      if (token.value === '') throw new Error(`--${token.name} takes a value, not an empty one`);
    }
    this.given = parsed.values as Record<string, string | boolean | undefined>;
    this.positionals = parsed.positionals;
  }

  /** Whether the option was given. */
  has(name: string): boolean {
    this.declaration(name);
    return this.given[name] !== undefined;
  }

  flag(name: string): boolean {
    if (this.declaration(name) !== 'flag') throw new Error(`--${name} is not declared as a flag`);
    return this.given[name] === true;
  }

  /** The option's text, or `fallback` when it is not given. */
  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    if (this.declaration(name) !== 'value') throw new Error(`--${name} is not declared as taking a value`);
    return (this.given[name] as string | undefined) ?? fallback;
  }

  /** One of `choices`, or `fallback` when the option is not given. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.string(name, fallback);
    if (!(choices as readonly string[]).includes(v)) throw new Error(`--${name} takes one of ${choices.join(', ')}, not ${JSON.stringify(v)}`);
    return v as T;
  }

  /** A file or folder, resolved against the working directory (npm run: the package root). */
  path(name: string, fallback: string): string {
    const v = this.string(name);
    return v === undefined ? fallback : path.resolve(v);
  }

  /**
   * A finite number (with `whole`: a whole number, 0 or more; with `unlimited`: or "Infinity", for
   * limits), or `fallback` (which may be Infinity) when the option is not given.
   */
  number(name: string, fallback: number, { whole = false, unlimited = false } = {}): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (unlimited && raw === 'Infinity') return Infinity;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || (whole && !(Number.isInteger(v) && v >= 0))) {
      const kind = whole ? 'a whole number' : 'a number';
      throw new Error(`--${name} takes ${unlimited ? `${kind} or Infinity` : kind}, not ${JSON.stringify(raw)}`);
    }
    return v;
  }

  private declaration(name: string): 'value' | 'flag' {
    if (this.declared.values?.includes(name)) return 'value';
    if (this.declared.flags?.includes(name)) return 'flag';
    throw new Error(`--${name} is not one of this script's options (${this.list()})`);
  }

  private list(): string {
    return [...(this.declared.values ?? []).map((n) => `--${n} <value>`), ...(this.declared.flags ?? []).map((n) => `--${n}`)].join(', ');
  }
}
