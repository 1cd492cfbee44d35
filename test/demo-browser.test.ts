/**
 * The demo page end to end in a real browser: Debian's Chromium driven by playwright-core, its
 * microphone fed from a sample clip. Speaking (recording), choosing a file, dropping a file, and
 * uploads the server or the page refuses. Without Chromium this fails, saying how to install it.
 */
import * as fs from 'fs';
import type * as http from 'http';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../src/demo/server';
import { Transcriber } from '../src/speech/transcriber';
import { launchChromium } from './helpers/chromium';
import { sox } from './helpers/encode-audio';
import { SAMPLE_AUDIO, sampleClips } from './helpers/sample-clips';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-demo-browser-');
const spoken = sampleClips.find((c) => c.file === 'digits-427.wav')!;
/** Silence before and after the words in the fake microphone's recording. */
const LEAD_SECONDS = 0.3;
const TAIL_SECONDS = 1;

let transcriber: Transcriber;
let server: http.Server;
let url: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
/** Console errors and uncaught exceptions of the page (a CSP violation, a script error). */
const pageErrors: string[] = [];

beforeAll(async () => {
  // Chromium's fake capture device reads 16-bit PCM WAV; 48 kHz is what a real microphone gives
  const microphone = path.join(tmp, 'microphone.wav');
  sox(path.join(SAMPLE_AUDIO, spoken.file), '-r', '48000', '-b', '16', '-c', '1', microphone, 'pad', `${LEAD_SECONDS}`, `${TAIL_SECONDS}`);
  transcriber = await Transcriber.load();
  ({ server, url } = await startDemoServer({ transcriber, host: '127.0.0.1', port: 0 }));
  browser = await launchChromium({ fakeMicrophone: microphone });
  page = await browser.context.newPage();
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  page.on('pageerror', (e) => void pageErrors.push(e.message));
  await page.goto(url);
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  await transcriber?.release();
});

/** Waits for the page to settle after a request: 'done' (a transcript) or 'error' (a message). */
async function settled(): Promise<string | null> {
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 30_000 });
  return page.getAttribute('body', 'data-state');
}

async function expectTranscript(text: string): Promise<void> {
  expect(await settled()).toBe('done');
  expect(await page.textContent('#transcript')).toBe(text);
  expect(await page.isHidden('#error')).toBe(true);
  expect(await page.textContent('#timing')).toMatch(/^\d+\.\d\d s of audio, transcribed in \d+ ms \(audio decoding \d+ ms, MFCC \d+ ms, model \d+ ms, CTC decoding \d+ ms\); \d+ ms with the upload$/);
  // the three plots, drawn by plotly.js from this server
  for (const plot of ['#waveform', '#mfcc', '#posteriors']) expect(await page.locator(`${plot} .main-svg`).count()).toBeGreaterThan(0);
  const legend = await page.locator('#posteriors .legendtext').allTextContents();
  expect(legend[0]).toBe('(blank)');
  expect(legend).toEqual(expect.arrayContaining(text.split(' ')));
}

async function expectError(message: RegExp): Promise<void> {
  expect(await settled()).toBe('error');
  expect(await page.isVisible('#error')).toBe(true);
  expect(await page.textContent('#error')).toMatch(message);
}

it('microphone: record, stop, and the spoken digits appear', async () => {
  await page.click('#record');
  await page.waitForSelector('body[data-state="recording"]');
  const seconds = spoken.text.split(' ').length; // clips run about half a second a word
  await page.waitForTimeout((LEAD_SECONDS + seconds + TAIL_SECONDS) * 1000);
  await page.click('#record');
  await expectTranscript(spoken.text);
  expect(await page.textContent('#record')).toBe('● Record');
});

it('file: a WAV and a FLAC chosen with the file input', async () => {
  const wav = sampleClips.find((c) => c.file === 'command-stop.wav')!;
  await page.setInputFiles('#file', path.join(SAMPLE_AUDIO, wav.file));
  await expectTranscript(wav.text);
  const other = sampleClips.find((c) => c.file === 'digits-60512.wav')!;
  const flac = path.join(tmp, 'clip.flac');
  sox(path.join(SAMPLE_AUDIO, other.file), flac);
  await page.setInputFiles('#file', flac);
  await expectTranscript(other.text);
});

it('file: dropped on the drop zone', async () => {
  const clip = sampleClips.find((c) => c.file === 'command-yes.wav')!;
  await dropFile('dropped.wav', fs.readFileSync(path.join(SAMPLE_AUDIO, clip.file)));
  await expectTranscript(clip.text);
});

it('bad uploads: the message on the page, and the page still works after', async () => {
  await dropFile('notes.txt', Buffer.from('shopping list: milk\n'));
  await expectError(/^notes\.txt: not an audio file \(it starts with "shop"; the demo takes WAV .*\)$/);
  await page.setInputFiles('#file', { name: 'huge.wav', mimeType: 'audio/wav', buffer: Buffer.alloc(11 * 1024 * 1024) });
  await expectError(/^huge\.wav: too large: the demo takes uploads up to 10 MB$/);
  const long = path.join(tmp, 'long.wav');
  sox('-n', '-r', '16000', '-b', '16', '-c', '1', long, 'trim', '0', '25');
  await page.setInputFiles('#file', long);
  await expectError(/^long\.wav: too long: 25\.0 s \(audio up to 20 s\)$/);
  await page.setInputFiles('#file', path.join(SAMPLE_AUDIO, 'command-left.wav'));
  await expectTranscript('left');
});

it('no script errors or refused resources on the page (besides the refused uploads above)', () => {
  const refusedUploads = /^Failed to load resource: the server responded with a status of 41[35] /;
  expect(pageErrors.filter((e) => !refusedUploads.test(e))).toEqual([]);
});

/** Drops a file on the drop zone as a person dragging it from a file manager would. */
async function dropFile(name: string, bytes: Buffer): Promise<void> {
  // built in the page (a DataTransfer cannot be passed in); the source is JavaScript as a string, so no DOM types here
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0))], ${JSON.stringify(name)}));
    return dt;
  })()`);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
}
