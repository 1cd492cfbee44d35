import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const OK = 'rnnkit-ok';
const FAILED = 'rnnkit-failed';

/**
 * One long-running `festival --pipe` that evaluates Scheme commands in turn. Starting festival
 * and loading a voice costs about 0.15 s of CPU, more than synthesising an utterance, so each
 * voice keeps one session. The process does not keep Node alive while it has no work.
 */
export class FestivalSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-festival-'));
  private queue: Promise<unknown> = Promise.resolve();
  private stderr = '';
  /** What festival said on stderr since the current command was sent, for its error message. */
  private said: string[] = [];
  private waiting?: { resolve: () => void; reject: (e: Error) => void };
  /** Set once the process has gone; the owner then starts a new session. */
  ended?: Error;
  private files = 0;

  constructor(setup: string[]) {
    this.child = spawn('festival', ['--pipe']);
    this.child.stdout.resume(); // nothing is read from it, and it must not fill up
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => this.onStderr(d));
    this.child.on('error', (e) => this.end(e));
    this.child.on('exit', (code) => this.end(new Error(`festival exited with ${code}: ${this.said.join(' ')}`)));
    this.child.stdin.on('error', (e) => this.end(e));
    this.keepAlive(false);
    // A voice that fails to load would leave festival's default voice speaking: end the session instead.
    this.run(setup.join(' ')).catch((e: Error) => this.end(e));
    process.once('exit', () => fs.rmSync(this.dir, { recursive: true, force: true }));
  }

  /** Evaluates `scheme`, which writes a WAV to the path it is given, and returns that file's bytes. */
  synthesize(scheme: (wav: string) => string): Promise<Uint8Array> {
    const wav = path.join(this.dir, `${this.files++}.wav`);
    return this.run(scheme(wav)).then(() => {
      try {
        return fs.readFileSync(wav);
      } finally {
        fs.rmSync(wav, { force: true });
      }
    });
  }

  private run(scheme: string): Promise<void> {
    const next = this.queue.then(() => new Promise<void>((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      this.waiting = { resolve, reject };
      this.said = [];
      this.keepAlive(true);
      // unwind-protect's second form runs only if the first fails: either way one marker line
      // comes back, on stderr, which festival does not buffer when it is a pipe (stdout it does).
      this.child.stdin.write(`(unwind-protect (begin ${scheme} (format stderr "${OK}\\n")) (format stderr "${FAILED}\\n"))\n`);
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private onStderr(data: string): void {
    this.stderr += data;
    let eol: number;
    while ((eol = this.stderr.indexOf('\n')) >= 0) {
      const line = this.stderr.slice(0, eol).trim();
      this.stderr = this.stderr.slice(eol + 1);
      if (line === OK) this.settle();
      else if (line === FAILED) this.settle(new Error(`festival: ${this.said.join(' ') || 'failed'}`));
      else if (line) this.said.push(line);
    }
  }

  private settle(error?: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    this.keepAlive(false);
    if (error) w?.reject(error);
    else w?.resolve();
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.settle(error);
    this.child.kill();
  }

  /** While a command is out, the process and its pipes hold the event loop open; otherwise not. */
  private keepAlive(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (on) h.ref();
      else h.unref();
    }
  }
}

/** A Scheme string literal. */
export function schemeString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
