import * as path from 'path';
import { main } from '../../src/cli';
import { ROOT, spawnTs } from './spawn';

/** Runs `rnnkit <argv>` in this process, capturing its output and error lines. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/**
 * Runs `rnnkit <args>` as a child process (for signals and exit codes); `onOutput` sees each
 * stdout chunk and can interrupt the run with Ctrl-C (SIGINT).
 */
export function spawnCli(args: string[], onOutput?: (chunk: string, interrupt: () => void) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawnTs(path.join(ROOT, 'src', 'cli.ts'), args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      onOutput?.(String(d), () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
