import * as fs from 'fs';
import { FileError } from './file-error';
import { processAlive } from './process-alive';

export class LockError extends FileError {}

export interface FileLock {
  /** The lock file (`<target>.lock`). */
  readonly path: string;
  release(): void;
}

/** A lock file that is still empty this long after its creation was abandoned by its writer. */
const EMPTY_LOCK_GRACE_MS = 5000;

/**
 * Takes the exclusive right to write `target` for this process: creates `<target>.lock` with
 * O_EXCL holding our pid. A lock whose pid is no longer running is taken over (`onStale` is told);
 * a live one is a LockError naming the other process. Release it when done (also on errors).
 */
export function lockFile(target: string, onStale: (message: string) => void = () => undefined): FileLock {
  const lock = `${target}.lock`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return { path: lock, release: () => releaseIfOurs(lock) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new LockError(target, `cannot create the lock file ${lock} (${code ?? (err as Error).message})`);
    }
    const holder = lockHolder(lock);
    if (holder === 'gone') continue;
    if (holder === 'being-written' || processAlive(holder)) {
      const who = holder === 'being-written' ? 'another process (starting now)' : holder === process.pid ? 'this process' : `another process (pid ${holder})`;
      throw new LockError(target, `in use by ${who}; two runs writing the same file would overwrite each other. If no such run exists, remove ${lock}`);
    }
    if (takeOverStale(lock, holder)) onStale(`rnnkit: ${target}: removed a stale lock left by pid ${holder}, which is no longer running`);
  }
  throw new LockError(target, `could not take the lock ${lock} (other processes keep taking it)`);
}

/** The pid in a lock file; 'being-written' for a fresh empty one, 'gone' if it disappeared. */
function lockHolder(lock: string): number | 'being-written' | 'gone' {
  let text: string;
  let ageMs: number;
  try {
    text = fs.readFileSync(lock, 'utf8');
    ageMs = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return 'gone';
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0) return pid;
  return ageMs < EMPTY_LOCK_GRACE_MS ? 'being-written' : 0; // pid 0: never alive, so stale
}

/**
 * Removes a stale lock unless another process replaced it meanwhile: the lock is first moved
 * aside (atomic), and put back if what was moved is not the stale lock we saw.
 */
function takeOverStale(lock: string, stalePid: number): boolean {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return false; // someone else moved it first; try again
  }
  const moved = lockHolder(aside);
  if (moved === stalePid) {
    fs.rmSync(aside, { force: true });
    return true;
  }
  try {
    fs.linkSync(aside, lock); // a live lock taken by mistake: put it back
  } catch {
    // the lock was created again meanwhile; the next attempt will find it
  }
  fs.rmSync(aside, { force: true });
  return false;
}

function releaseIfOurs(lock: string): void {
  if (lockHolder(lock) === process.pid) fs.rmSync(lock, { force: true });
}
