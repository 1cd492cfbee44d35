import { execFileSync } from 'child_process';

/**
 * Real encoders for the format tests (Debian sox with libsox-fmt-all, opus-tools; CI installs
 * them in scripts/setup-notebooks.sh). Each encodes a WAV file into `out`.
 */
export const ENCODERS: Record<string, (input: string, out: string) => void> = {
  'μ-law WAV': (input, out) => run('sox', input, '-t', 'wav', '-e', 'u-law', out),
  'A-law WAV': (input, out) => run('sox', input, '-t', 'wav', '-e', 'a-law', out),
  FLAC: (input, out) => run('sox', input, '-t', 'flac', out),
  'Ogg Vorbis': (input, out) => run('sox', input, '-t', 'vorbis', out),
  MP3: (input, out) => run('sox', input, '-t', 'mp3', out),
  'Ogg Opus': (input, out) => run('opusenc', '--quiet', input, out),
};

/** sox with effects, e.g. sox(in, out, 'rate', '16000'). */
export function sox(...args: string[]): void {
  run('sox', ...args);
}

function run(tool: string, ...args: string[]): void {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error(`${tool} is not installed (apt-get install sox libsox-fmt-all opus-tools)`);
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}
