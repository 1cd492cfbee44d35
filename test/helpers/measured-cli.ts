import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT } from './spawn';

/**
 * Runs `rnnkit <args>` as a child process under /usr/bin/time, for tests with a memory ceiling:
 * exit code, stderr, peak resident memory (MB) and wall time (s).
 */
export function runCliMeasured(args: string[]): { code: number | null; err: string; peakMb: number; seconds: number } {
  const started = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peak_rss_kb=%M', process.execPath, '-r', '@swc-node/register', path.join(ROOT, 'src', 'cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const peakKb = Number(/peak_rss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { code: r.status, err: r.stderr.replace(/.*peak_rss_kb=\d+\s*$/s, (m) => m.replace(/peak_rss_kb=\d+\s*$/, '')), peakMb: peakKb / 1024, seconds: (Date.now() - started) / 1000 };
}
