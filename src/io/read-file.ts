import * as fs from 'fs';

/**
 * Reads a whole file; a failure becomes the caller's error type with "cannot read: ENOENT" etc.
 * A file larger than `maxBytes` is refused before it is read ("too large: ...").
 */
export function readBytes(file: string, fail: (problem: string) => Error, maxBytes = Infinity): Buffer {
  let size = 0;
  try {
    if (maxBytes < Infinity) size = fs.statSync(file).size;
    if (size <= maxBytes) return fs.readFileSync(file);
  } catch (err) {
    throw fail(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  throw fail(`too large: ${(size / 1e6).toFixed(1)} MB (files up to ${(maxBytes / 1e6).toFixed(0)} MB)`);
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
