import * as fs from 'fs';
import * as path from 'path';
import { processAlive } from './process-alive';

const tempPrefix = (target: string) => `.${path.basename(target)}.tmp-`;

/**
 * Writes a file so that readers see either the old content or the complete new one:
 * write a temporary file in the same directory, fsync it, then rename over the target.
 * Temporary files left by writers that were killed (their pid is gone) are removed.
 * `data` may be a list of chunks, written one after the other (large files need no concatenated copy).
 */
export function writeFileAtomic(target: string, data: string | Uint8Array | Uint8Array[]): void {
  const dir = path.dirname(path.resolve(target));
  removeStaleTemps(dir, target);
  const tmp = path.join(dir, `${tempPrefix(target)}${process.pid}-${Math.random().toString(36).slice(2)}`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w');
    for (const chunk of Array.isArray(data) ? data : [data]) fs.writeFileSync(fd, chunk);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function removeStaleTemps(dir: string, target: string): void {
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return; // the write itself will report a missing directory
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
