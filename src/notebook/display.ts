/**
 * Rich outputs in a running tslab kernel. tslab's public `display` sends one MIME type per output
 * and only from the tslab module instance the kernel runs, so this finds the kernel's own message
 * writer in the module cache: that works from rnnkit installed anywhere, with no tslab dependency.
 */
import { randomBytes } from 'node:crypto';

export type MimeBundle = Record<string, unknown>;

interface DisplayContent {
  data: MimeBundle;
  metadata: object;
  transient: { display_id?: string };
}
type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

function kernelWriter(): WriteDisplayData | null {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined)?.lastWriteDisplayData;
    if (write) return write;
  }
  return null;
}

/** True inside a tslab kernel that has started executing cells. */
export function inNotebook(): boolean {
  return kernelWriter() !== null;
}

/**
 * Sends one output holding every entry of `bundle` (MIME type -> content, with optional per-type
 * `metadata` such as image sizes); with `displayId`, an output that later `updateDisplay` calls
 * replace in place. Returns false outside a notebook.
 */
export function displayBundle(bundle: MimeBundle, displayId?: string, metadata: object = {}): boolean {
  return send(bundle, displayId, false, metadata);
}

/** Replaces the content of the output that `displayBundle(…, displayId)` created. */
export function updateDisplay(bundle: MimeBundle, displayId: string, metadata: object = {}): boolean {
  return send(bundle, displayId, true, metadata);
}

export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}

function send(data: MimeBundle, displayId: string | undefined, update: boolean, metadata: object): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data, metadata, transient: displayId ? { display_id: displayId } : {} }, update);
  return true;
}
