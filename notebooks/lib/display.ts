/** Rich outputs with several MIME types in one bundle, which tslab's public display API cannot send. */
import * as tslab from 'tslab';

type WriteDisplayData = (content: { data: Record<string, unknown>; metadata: object; transient: object }, update: boolean) => void;

function bundleWriter(): WriteDisplayData | null {
  try {
    // The kernel's own message writer (same module instance as the running kernel).
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/**
 * Displays one output holding every entry of `bundle` (MIME type -> content). Outside a
 * tslab kernel that exposes its writer, falls back to the first entry `fallback` names.
 */
export function displayBundle(bundle: Record<string, unknown>, fallback: (display: typeof tslab.display) => void): void {
  const write = bundleWriter();
  if (!write) {
    fallback(tslab.display);
    return;
  }
  write({ data: bundle, metadata: {}, transient: {} }, false);
}
