/** Where Chromium is and how it is started headless (for the static figures). */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

// Flags from a closed-network machine: without them Chromium keeps trying to reach Google's hosts.
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-file-access-from-files',
];

/** RNNKIT_CHROMIUM, else Debian's or Google's usual paths; null when there is none. */
export function findChromium(): string | null {
  const fromEnv = process.env.RNNKIT_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}
