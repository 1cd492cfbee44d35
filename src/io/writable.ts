import * as fs from 'fs';
import * as path from 'path';
import { FileError } from './file-error';

export class OutputError extends FileError {}

/**
 * Checks, before any work is done, that `target` can be written the way writeFileAtomic writes it
 * (a temporary file in the same directory, renamed over the target): the directory exists and
 * accepts a new file, and the target is not a directory. `what` names the option (`--out`).
 */
export function checkWritable(target: string, what: string): void {
  const dir = path.dirname(path.resolve(target));
  const fail = (problem: string) => new OutputError(target, `cannot write ${what} here: ${problem}`);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch (err) {
    throw fail(`the directory ${dir} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as NodeJS.ErrnoException).code})`}`);
  }
  if (!dirStat.isDirectory()) throw fail(`${dir} is not a directory`);
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw fail('it is a directory');
  // Creating a file is the only honest test (permissions, ACLs, read-only mounts, full disks).
  const probe = path.join(dir, `.${path.basename(target)}.probe-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe);
  } catch (err) {
    throw fail(`the directory ${dir} does not accept new files (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
