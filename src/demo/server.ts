import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { Transcriber } from '../speech/transcriber';
import { WORDS } from '../speech/vocabulary';
import { hostAllowed } from './host-check';
import { HttpError } from './http-error';
import { DEFAULT_DEMO_LIMITS, type DemoLimits } from './limits';
import { readBody } from './read-body';
import { resolveStaticFile, type StaticFile } from './static-files';
import { TranscribeApi } from './transcribe-api';

/** The page's files (HTML, CSS, plain JavaScript), shipped in the package beside dist/. */
export const DEMO_STATIC_ROOT = path.join(__dirname, '..', '..', 'demo');
/** plotly.js from node_modules: the page loads nothing from the internet. */
const VENDOR_FILES: Record<string, StaticFile> = {
  '/vendor/plotly.min.js': { file: require.resolve('plotly.js-dist-min'), contentType: 'text/javascript; charset=utf-8' },
};
const SECURITY_HEADERS = {
  // Plotly sets inline styles; everything else comes from this server.
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface DemoServerOptions {
  transcriber: Transcriber;
  /** The address the server is bound to (loopback ones answer only loopback Host names). */
  host: string;
  limits?: Partial<DemoLimits>;
  /** Folder of the page's files (default: DEMO_STATIC_ROOT). */
  root?: string;
  /** Where unexpected failures are reported (the client gets a 500 without details). */
  logError?: (message: string) => void;
}

/** The demo's HTTP server, not yet listening: the page, plotly.js, and the transcription API. */
export function createDemoServer(options: DemoServerOptions): http.Server {
  const limits = { ...DEFAULT_DEMO_LIMITS, ...options.limits };
  const root = options.root ?? DEMO_STATIC_ROOT;
  const api = new TranscribeApi(options.transcriber, limits.maxSeconds);
  const logError = options.logError ?? ((m: string) => console.error(m));
  let active = 0;

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, options.host)) throw new HttpError(403, 'this server answers only to localhost');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/info') {
        requireMethod(req, 'GET', 'HEAD');
        return sendJson(res, 200, { maxUploadBytes: limits.maxUploadBytes, maxSeconds: limits.maxSeconds, words: WORDS });
      }
      const endpoint = url.pathname === '/api/transcribe' ? 'file' : url.pathname === '/api/transcribe-pcm' ? 'pcm' : null;
      if (endpoint === null) throw new HttpError(404, `no API endpoint ${url.pathname}`);
      requireMethod(req, 'POST');
      if (active >= limits.maxConcurrent) throw new HttpError(503, 'the demo is busy with other transcriptions; try again in a moment');
      active++;
      try {
        const body = await readBody(req, limits.maxUploadBytes);
        const result = endpoint === 'file' ? await api.file(body, uploadName(url.searchParams.get('name'))) : await api.pcm(body);
        return sendJson(res, 200, result);
      } finally {
        active--;
      }
    }
    requireMethod(req, 'GET', 'HEAD');
    const file = VENDOR_FILES[url.pathname] ?? resolveStaticFile(root, url.pathname);
    if (!file) throw new HttpError(404, `not found: ${url.pathname}`);
    return sendFile(req, res, file);
  }

  const server = http.createServer({
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.requestTimeoutMs, 10_000),
    // how often the timeouts above are checked (Node's default, 30 s, would let short timeouts run long)
    connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
  }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.message);
      logError(`rnnkit demo: ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      sendError(res, 500, 'internal error (see the server log)');
    });
  });
  return server;
}

/** Starts the demo server; resolves once it listens (port 0: any free port). */
export async function startDemoServer(options: DemoServerOptions & { port: number }): Promise<{ server: http.Server; url: string }> {
  const server = createDemoServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { server, url: `http://${host}:${port}/` };
}

function requireMethod(req: http.IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? '')) throw new HttpError(405, `${req.method} is not allowed here (${allowed.join(', ')})`);
}

/** The uploaded file's name, for messages only: its last part, printable, at most 100 characters. */
function uploadName(given: string | null): string {
  const name = (given ?? '').split(/[/\\]/).pop()!.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return name || 'upload';
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** An error as JSON ({ error }); the connection is closed, since the request body may be left unread. */
function sendError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.setHeader('Connection', 'close');
  sendJson(res, status, { error: message });
}

function sendFile(req: http.IncomingMessage, res: http.ServerResponse, { file, contentType }: StaticFile): void {
  const size = fs.statSync(file).size;
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': size, 'Cache-Control': 'no-cache' });
  if (req.method === 'HEAD') return void res.end();
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
