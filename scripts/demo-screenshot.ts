/**
 * docs/demo.png, the README's picture of `rnnkit demo`: the page after transcribing a sample
 * clip, taken in Debian's Chromium (the browser test's launcher).
 */
import * as path from 'path';
import { startDemoServer } from '../src/demo/server';
import { Transcriber } from '../src/speech/transcriber';
import { launchChromium } from '../test/helpers/chromium';

const ROOT = path.join(__dirname, '..');
const CLIP = path.join(ROOT, 'audio', 'digits-60512.wav');
const OUT = path.join(ROOT, 'docs', 'demo.png');

async function main(): Promise<void> {
  const transcriber = await Transcriber.load();
  const { server, url } = await startDemoServer({ transcriber, host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.goto(url);
    await page.setInputFiles('#file', CLIP);
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    await page.screenshot({ path: OUT, fullPage: true });
    console.log(`wrote ${path.relative(ROOT, OUT)}: "${await page.textContent('#transcript')}"`);
  } finally {
    await browser.close();
    server.close();
    await transcriber.release();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
