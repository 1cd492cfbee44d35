import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';

/** The repository root (child processes run there). */
export const ROOT = path.join(__dirname, '..', '..');

/** Starts a TypeScript file as its own node process (compiled on the fly, so no build is needed). */
export function spawnTs(file: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', '@swc-node/register', file, ...args], { cwd: ROOT });
}
