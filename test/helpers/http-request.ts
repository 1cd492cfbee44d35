import * as http from 'http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with the path sent as it is (fetch would normalise '..' away) and any
 * Host header. A server that answers before it has read the whole body (413) may close the
 * connection under the upload: the answer counts, the write error does not.
 */
export function httpRequest(url: string, opts: { method?: string; path?: string; body?: Uint8Array; headers?: http.OutgoingHttpHeaders } = {}): Promise<HttpAnswer> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: opts.method ?? 'GET', path: opts.path ?? pathname + search, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err) => setTimeout(() => reject(err), 200)); // a response already under way wins
    req.end(opts.body);
  });
}

/** POSTs bytes and parses the JSON answer. */
export async function postJson(url: string, body: Uint8Array): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await httpRequest(url, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
  return { status: r.status, json: JSON.parse(r.body) };
}
