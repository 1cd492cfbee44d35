const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host === '::1' || /^127\./.test(host);
}

/**
 * Whether a request's Host header is one this server answers. Bound to a loopback address it
 * answers only loopback names: a web page elsewhere that points its own domain at 127.0.0.1
 * (DNS rebinding) then cannot use the demo from the visitor's browser.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopback(boundHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}
