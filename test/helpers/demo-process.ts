import { spawn } from 'child_process';

/** A running `rnnkit demo`: the URL it printed, and stop() (Ctrl-C), which resolves to its exit code. */
export interface DemoProcess {
  url: string;
  stop: () => Promise<number | null>;
}

/**
 * Starts `rnnkit demo` as a process (`command args`, e.g. npx --no rnnkit demo --port 0) and waits for
 * the line with its URL. The process gets its own group, so that Ctrl-C reaches the server
 * behind a launcher such as npx.
 */
export function startDemoProcess(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<DemoProcess> {
  const child = spawn(command, args, { ...opts, detached: true });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const stop = async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    return exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^rnnkit demo: (http:\/\/\S+\/) \(.*Ctrl-C stops it\)$/m.exec(out);
      if (m) resolve({ url: m[1], stop });
    });
    void exited.then((code) => reject(new Error(`rnnkit demo exited (${code}) before listening: ${out}${err}`)));
  });
}
