import { isLoopback } from '../demo/host-check';
import { DEFAULT_DEMO_LIMITS, formatBytes } from '../demo/limits';
import { startDemoServer } from '../demo/server';
import { DEFAULT_SPEECH_MODEL, Transcriber } from '../speech/transcriber';
import type { Io } from './io';

export const DEFAULT_DEMO_PORT = 8765;
export const DEFAULT_DEMO_HOST = '127.0.0.1';

export interface DemoCommandOptions {
  port?: string;
  host?: string;
  model?: string;
  /** WPE before the features (transcribe --dereverb). */
  dereverberate?: boolean;
  /** The speed views (transcribe --speeds); the transcriber's default unless given. */
  speeds?: readonly number[];
}

/**
 * `rnnkit demo`: serves the speech demo page until `signal` aborts (Ctrl-C), then closes the
 * server and the model. Resolves to the exit code.
 */
export async function demoCommand(options: DemoCommandOptions, io: Io, signal?: AbortSignal): Promise<number> {
  const port = parsePort(options.port);
  const host = options.host ?? DEFAULT_DEMO_HOST;
  const transcriber = await Transcriber.load(options.model ?? DEFAULT_SPEECH_MODEL, 'grammar', { dereverberate: options.dereverberate, speeds: options.speeds });
  try {
    const { server, url } = await startDemoServer({ transcriber, host, port, logError: io.err });
    if (!isLoopback(host)) io.err(`rnnkit demo: listening on ${host}: anyone who can reach this machine can use the demo`);
    const { maxUploadBytes, maxSeconds } = DEFAULT_DEMO_LIMITS;
    io.out(`rnnkit demo: ${url} (uploads up to ${formatBytes(maxUploadBytes)} and ${maxSeconds} s; Ctrl-C stops it)`);
    await new Promise<void>((resolve) => {
      server.once('close', resolve);
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    server.closeAllConnections();
    server.close();
  } finally {
    await transcriber.release();
  }
  return 0;
}

function parsePort(given: string | undefined): number {
  if (given === undefined) return DEFAULT_DEMO_PORT;
  const port = Number(given);
  if (!/^\d+$/.test(given) || port > 65535) throw new Error(`--port takes a port number from 0 to 65535 (0: any free port), got ${JSON.stringify(given.slice(0, 20))}`);
  return port;
}
