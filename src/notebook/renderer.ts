/**
 * Static images of Plotly figures, rendered synchronously by the render worker's headless
 * Chromium (started on the first figure, reused for the rest of the process, closed at exit).
 */
import { rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { findChromium } from './chromium';
import type { Rendered } from './plot-page';
import type { RenderReply, RenderRequest } from './render-protocol';

/** The first figure starts Chromium and loads plotly.js (a few seconds); later ones take well under one. */
const TIMEOUT_MS = 60_000;

interface Session {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  pid?: number;
  dir?: string;
}

let session: Session | null = null;

function startSession(chromium: string): Session {
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const file = join(__dirname, `render-worker${extname(__filename)}`);
  // Under ts sources (tests), the worker needs the same TypeScript loader as this process.
  const execArgv = extname(__filename) === '.ts' ? ['-r', '@swc-node/register'] : [];
  const worker = new Worker(file, { workerData: { flag, port: port2, chromium }, transferList: [port2], execArgv });
  worker.unref();
  const s: Session = { worker, port: port1, signal: new Int32Array(flag) };
  process.once('exit', () => endSession(s));
  return s;
}

function endSession(s: Session): void {
  if (s.pid) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  void s.worker.terminate();
  try {
    if (s.dir) rmSync(s.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  } catch {
    // Chromium's helper processes may still be writing its profile: a temporary directory is left.
  }
  if (session === s) session = null;
}

/** Why static images cannot be made here, or null when they can. */
export function staticImagesUnavailable(): string | null {
  if (!findChromium()) return 'no Chromium found (install the Debian package chromium, or set RNNKIT_CHROMIUM)';
  try {
    require.resolve('plotly.js-dist-min');
  } catch {
    return 'plotly.js-dist-min is not installed';
  }
  return null;
}

/**
 * Renders `spec` ({ data, layout }) at width x height CSS pixels to PNG (base64, `scale` device
 * pixels per CSS pixel) and, when asked, SVG; throws when it cannot.
 */
export function renderFigure(spec: object, width: number, height: number, opts: { scale?: number; svg?: boolean } = {}): Rendered {
  const why = staticImagesUnavailable();
  if (why) throw new Error(why);
  const s = (session ??= startSession(findChromium()!));
  Atomics.store(s.signal, 0, 0);
  s.port.postMessage({ spec, width, height, scale: opts.scale ?? 1, svg: opts.svg ?? false } satisfies RenderRequest);
  if (Atomics.wait(s.signal, 0, 0, TIMEOUT_MS) === 'timed-out') {
    endSession(s);
    throw new Error(`Chromium did not render the figure within ${TIMEOUT_MS / 1000} s`);
  }
  const reply = receiveMessageOnPort(s.port)?.message as RenderReply;
  s.dir = reply.dir;
  if (!reply.ok) throw new Error(reply.error);
  s.pid = reply.pid;
  return { png: reply.png, svg: reply.svg };
}
