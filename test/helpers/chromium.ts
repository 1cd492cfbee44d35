import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium; CI gets it from scripts/setup-notebooks.sh); CHROMIUM overrides. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Headless and quiet: no GPU, no sandbox (containers), nothing fetched from the network in the background. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Starts Chromium with a fresh profile (removed by close()). `fakeMicrophone`: a WAV file the
 * browser plays as its microphone, once, with the permission prompt answered yes.
 */
export async function launchChromium(opts: { fakeMicrophone?: string } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (scripts/setup-notebooks.sh does), or set CHROMIUM`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-chromium-'));
  const microphone = opts.fakeMicrophone
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${opts.fakeMicrophone}%noloop`]
    : [];
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...microphone] });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
