import * as fs from 'fs';
import * as path from 'path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  file: string;
  contentType: string;
}

/**
 * The file under `root` that a URL path names ('/' is index.html), or null when there is none.
 * The path is decoded once and resolved, and must stay inside `root` also after following
 * links: '..', '%2e%2e', encoded slashes and backslashes, absolute paths and NUL bytes lead nowhere.
 */
export function resolveStaticFile(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const realRoot = fs.realpathSync(root);
  const candidate = path.resolve(realRoot, `.${path.posix.normalize(`/${relative}`)}`);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
    if (!fs.statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  if (!isInside(realRoot, real)) return null;
  return { file: real, contentType: CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream' };
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
