import type { IncomingMessage } from 'http';
import { HttpError } from './http-error';
import { formatBytes } from './limits';

/**
 * Reads a request body of at most `maxBytes`: a larger declared Content-Length is refused before
 * anything is read, and a body that grows past the limit is refused as soon as it does, so the
 * server never holds more than `maxBytes` for one request.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `too large: the demo takes uploads up to ${formatBytes(maxBytes)}`);
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        // the rest is read and dropped (not held), so that the connection can carry the answer
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, received)));
    // a client that goes away mid-upload (the stream's errors are all of that kind)
    const interrupted = () => reject(new HttpError(400, 'the upload was interrupted'));
    req.on('error', interrupted);
    req.on('close', () => {
      if (!req.complete) interrupted();
    });
  });
}
