import * as fs from 'fs';

/** Reads a whole file; a failure becomes the caller's error type with "cannot read: ENOENT" etc. */
export function readBytes(file: string, fail: (problem: string) => Error): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw fail(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Reads and parses a JSON file, reporting unreadable files and invalid JSON through `fail`. */
export function readJson(file: string, fail: (problem: string) => Error): unknown {
  const text = readBytes(file, fail).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw fail(`not valid JSON (${(err as Error).message})`);
  }
}
