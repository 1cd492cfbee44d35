import * as fs from 'fs';
import { MAX_JSON_BYTES } from '../limits';

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

/**
 * Reads and parses a JSON file, reporting unreadable, oversized and invalid files through `fail`.
 * The parser's own message quotes the file's first bytes; only the position is kept, so that
 * pointing rnnkit at a private file does not print its content.
 */
export function readJson(file: string, fail: (problem: string) => Error, maxBytes = MAX_JSON_BYTES): unknown {
  return parseJson(readBytes(file, fail, maxBytes), fail);
}

/** Parses JSON bytes already read (see readJson for the error messages). */
export function parseJson(bytes: Buffer, fail: (problem: string) => Error): unknown {
  if (bytes.length > MAX_JSON_BYTES) throw fail(`too large for JSON: ${(bytes.length / 1e6).toFixed(1)} MB (JSON files up to ${(MAX_JSON_BYTES / 1e6).toFixed(0)} MB; use the .safetensors format)`);
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw fail(text.trim() === '' ? 'empty file, not JSON' : `not valid JSON (${parseProblem(err as Error)})`);
  }
}

/** JSON.parse's message without the excerpt of the input it quotes ("Unexpected token 'r', "root:x:0:0"... is not valid JSON"). */
function parseProblem(err: Error): string {
  return err.message.replace(/, ".*$/s, '').replace(/token '.+?'/, 'token') || 'syntax error';
}
