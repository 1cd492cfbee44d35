/**
 * The demo server (rnnkit demo) without a browser: the transcription API on the sample clips,
 * refused uploads (4xx with a message, never a crash), static files that stay inside their
 * folder, timeouts, and the CLI command that starts it. test/demo-browser.test.ts drives the page.
 */
import * as fs from 'fs';
import type * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { encodeWav, readWav } from '../src/audio/wav';
import { DEFAULT_DEMO_LIMITS, type DemoLimits } from '../src/demo/limits';
import { createDemoServer, DEMO_STATIC_ROOT } from '../src/demo/server';
import { toMono16k, Transcriber } from '../src/speech/transcriber';
import { CLASSES } from '../src/speech/vocabulary';
import { httpRequest, postJson } from './helpers/http-request';
import { rawWav } from './helpers/raw-wav';
import { SAMPLE_AUDIO, sampleClips } from './helpers/sample-clips';
import { startDemoProcess } from './helpers/demo-process';
import { ROOT } from './helpers/spawn';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-demo-');
let transcriber: Transcriber;
const servers: http.Server[] = [];

/** A demo server on a free loopback port; its base URL. */
async function serve(limits: Partial<DemoLimits> = {}, root?: string): Promise<string> {
  const server = createDemoServer({ transcriber, host: '127.0.0.1', limits, root, logError: (m) => { throw new Error(`unexpected server error: ${m}`); } });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function clipBytes(file: string): Uint8Array {
  return fs.readFileSync(path.join(SAMPLE_AUDIO, file));
}

/** 16 kHz mono 16-bit little-endian PCM, as the page sends a recording. */
function pcm16(signal: Float32Array): Uint8Array {
  const out = Buffer.alloc(signal.length * 2);
  signal.forEach((v, i) => out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), 2 * i));
  return out;
}

const silence = (seconds: number) => encodeWav({ sampleRate: 16000, channels: [new Float32Array(Math.round(16000 * seconds))] });

let url: string;
beforeAll(async () => {
  transcriber = await Transcriber.load();
  url = await serve();
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await transcriber.release();
});

describe('the transcription API', () => {
  it.each(sampleClips)('$file: the transcript, with what the page plots', async ({ file, text }) => {
    const { status, json } = await postJson(`${url}api/transcribe?name=${file}`, clipBytes(file));
    expect(status).toBe(200);
    expect(json.transcript).toBe(text);
    const seconds = json.seconds as number;
    const waveform = json.waveform as { pointSeconds: number; min: number[]; max: number[] };
    const mfcc = json.mfcc as { frameSeconds: number; z: number[][] };
    const posteriors = json.posteriors as { stepSeconds: number; classes: string[]; z: number[][] };
    expect(waveform.min.length).toBe(1000);
    expect(waveform.min.every((v, i) => v <= waveform.max[i] && v >= -1 && waveform.max[i] <= 1)).toBe(true);
    expect(waveform.pointSeconds * 1000).toBeCloseTo(seconds, 6);
    expect(mfcc.z).toHaveLength(13);
    expect(mfcc.z[0].length * mfcc.frameSeconds).toBeCloseTo(seconds, 1);
    expect(posteriors.classes).toHaveLength(CLASSES);
    expect(posteriors.classes[0]).toBe('(blank)');
    expect(posteriors.z).toHaveLength(CLASSES);
    expect(posteriors.z[0].length).toBe(Math.ceil(mfcc.z[0].length / 2));
    for (let t = 0; t < posteriors.z[0].length; t++) expect(posteriors.z.reduce((s, row) => s + row[t], 0)).toBeCloseTo(1, 2);
    // every word of the transcript is the likeliest class somewhere
    for (const word of text.split(' ')) expect(Math.max(...posteriors.z[posteriors.classes.indexOf(word)])).toBeGreaterThan(0.5);
    const timing = json.timing as Record<string, number>;
    expect(Object.keys(timing)).toEqual(['decodeAudioMs', 'featuresMs', 'modelMs', 'decodeMs', 'totalMs']);
    expect(timing.totalMs).toBeGreaterThan(0);
  });

  it('16 kHz PCM (what the page records) gives the same transcript as the file', async () => {
    const clip = sampleClips.find((c) => c.file.startsWith('digits-60512'))!; // stereo 22.05 kHz: the PCM is the resampled mix
    const { status, json } = await postJson(`${url}api/transcribe-pcm`, pcm16(toMono16k(readWav(path.join(SAMPLE_AUDIO, clip.file)))));
    expect(status).toBe(200);
    expect(json.transcript).toBe(clip.text);
  });

  it('silence: no speech, an empty transcript, the plots all the same', async () => {
    const { status, json } = await postJson(`${url}api/transcribe?name=quiet.wav`, silence(1));
    expect(status).toBe(200);
    expect(json.transcript).toBe('');
    expect((json.posteriors as { z: number[][] }).z[0]).toHaveLength(49); // 98 frames of 10 ms, two a step
  });

  it('GET /api/info: the limits the page shows', async () => {
    const r = await httpRequest(`${url}api/info`);
    expect(JSON.parse(r.body)).toMatchObject({ maxUploadBytes: 10 * 1024 * 1024, maxSeconds: 20, words: expect.arrayContaining(['nine', 'stop']) });
  });
});

describe('refused uploads: a 4xx and a message for the page', () => {
  const cases: [string, string, Uint8Array, number, RegExp][] = [
    ['not audio', 'notes.txt', Buffer.from('hello, this is text\n'), 415, /^notes\.txt: not an audio file \(it starts with "hell"; the demo takes WAV .*MP3, FLAC, Ogg Vorbis, Ogg Opus\)$/],
    ['empty', 'empty.wav', new Uint8Array(0), 400, /^empty\.wav: empty upload$/],
    ['a WAV encoding the decoder does not take', 'adpcm.wav', rawWav({ format: 2, bits: 4 }), 400, /^adpcm\.wav: .*ADPCM/],
    ['a truncated WAV header', 'cut.wav', clipBytes('command-yes.wav').subarray(0, 30), 400, /^cut\.wav: /],
    ['too long (over 20 s)', 'long.wav', silence(30), 413, /^long\.wav: too long: 30\.0 s \(audio up to 20 s\)$/],
    ['too short', 'click.wav', silence(0.01), 400, /^click\.wav: too short: 10 ms of audio$/],
  ];
  it.each(cases)('%s', async (_what, name, body, status, message) => {
    const r = await postJson(`${url}api/transcribe?name=${encodeURIComponent(name)}`, body);
    expect(r).toEqual({ status, json: { error: expect.stringMatching(message) } });
  });

  it('too large (over 10 MB): 413 before the body is read', async () => {
    const r = await postJson(`${url}api/transcribe?name=big.wav`, new Uint8Array(DEFAULT_DEMO_LIMITS.maxUploadBytes + 1));
    expect(r).toEqual({ status: 413, json: { error: 'too large: the demo takes uploads up to 10 MB' } });
  });

  it('too large without a Content-Length (chunked): 413 once the limit is passed', async () => {
    const small = await serve({ maxUploadBytes: 1000 });
    const r = await httpRequest(`${small}api/transcribe`, { method: 'POST', body: new Uint8Array(5000), headers: { 'Transfer-Encoding': 'chunked' } });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: 'too large: the demo takes uploads up to 1000 bytes' });
  });

  it('PCM: too long, or an odd number of bytes', async () => {
    expect(await postJson(`${url}api/transcribe-pcm`, new Uint8Array(2 * 16000 * 21))).toEqual({ status: 413, json: { error: 'recording: too long: 21.0 s (audio up to 20 s)' } });
    expect(await postJson(`${url}api/transcribe-pcm`, new Uint8Array(3001))).toEqual({ status: 400, json: { error: 'recording: 16-bit PCM has an even number of bytes, got 3001' } });
  });

  it('the uploaded name is only a label: its last part, printable, short', async () => {
    const r = await postJson(`${url}api/transcribe?name=${encodeURIComponent('../../etc/\u0007bell.txt')}`, Buffer.from('text'));
    expect(r.json.error).toMatch(/^\?bell\.txt: not an audio file/);
  });
});

describe('routes and static files', () => {
  it('serves the page, its script and plotly.js from node_modules, with a content security policy', async () => {
    const page = await httpRequest(url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toContain('<script src="vendor/plotly.min.js"');
    expect((await httpRequest(`${url}app.js`)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const plotly = await httpRequest(`${url}vendor/plotly.min.js`, { method: 'HEAD' });
    expect(plotly.status).toBe(200);
    expect(Number(plotly.headers['content-length'])).toBe(fs.statSync(require.resolve('plotly.js-dist-min')).size);
  });

  const outside = [
    '/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..%5cpackage.json', '/..\\package.json', '//etc/passwd', '/%2fetc%2fpasswd', '/vendor/../../package.json',
    '/index.html%00.png', '/%ff', '/link-out', '/../src/cli.ts',
  ];
  it('no file outside the demo folder, by any spelling of the path or a link', async () => {
    const root = path.join(tmp, 'static');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'index.html'), '<p>inside</p>');
    fs.symlinkSync(path.join(ROOT, 'package.json'), path.join(root, 'link-out'));
    const linked = await serve({}, root);
    expect((await httpRequest(linked)).body).toBe('<p>inside</p>');
    for (const base of [url, linked]) {
      for (const p of outside) {
        const r = await httpRequest(base, { path: p });
        expect([p, r.status]).toEqual([p, 404]);
        expect(r.body).not.toMatch(/root:|"name": "rnnkit"|import /);
      }
    }
  });

  it('unknown routes 404, wrong methods 405, foreign Host names 403', async () => {
    expect((await httpRequest(`${url}nope.html`)).status).toBe(404);
    expect(await httpRequest(`${url}api/nope`, { method: 'POST' })).toMatchObject({ status: 404, body: '{"error":"no API endpoint /api/nope"}' });
    expect((await httpRequest(`${url}api/transcribe`)).status).toBe(405);
    expect((await httpRequest(url, { method: 'DELETE' })).status).toBe(405);
    expect((await httpRequest(url, { headers: { Host: 'attacker.example' } })).status).toBe(403);
    expect((await httpRequest(url, { headers: { Host: 'localhost:1234' } })).status).toBe(200);
  });
});

describe('bounded work per request', () => {
  it('a request that does not arrive in time gets 408', async () => {
    const slow = await serve({ requestTimeoutMs: 300 });
    const started = Date.now();
    const r = await new Promise<string>((resolve) => {
      const { port } = new URL(slow);
      const socket = require('net').connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /api/transcribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nRIFF');
      });
      let got = '';
      socket.on('data', (d: Buffer) => (got += d));
      socket.on('close', () => resolve(got));
    });
    expect(r).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('more simultaneous transcriptions than the limit get 503', async () => {
    const busy = await serve({ maxConcurrent: 1 });
    const { port } = new URL(busy);
    // the first upload stays open, holding the only slot
    const socket = require('net').connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('POST /api/transcribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nRIFF');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await postJson(`${busy}api/transcribe`, clipBytes('command-yes.wav'))).toEqual({ status: 503, json: { error: expect.stringMatching(/busy/) } });
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await postJson(`${busy}api/transcribe`, clipBytes('command-yes.wav'))).json.transcript).toBe('yes');
  });

  it('the server still answers after all the bad requests', async () => {
    expect((await httpRequest(url)).status).toBe(200);
    expect((await postJson(`${url}api/transcribe?name=stop.wav`, clipBytes('command-stop.wav'))).json.transcript).toBe('stop');
  });
});

describe('rnnkit demo', () => {
  it('prints its URL, serves the page and stops on Ctrl-C with exit code 0', async () => {
    const demo = await startDemoProcess(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'src', 'cli.ts'), 'demo', '--port', '0'], { cwd: ROOT });
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await httpRequest(demo.url)).body).toContain('<title>rnnkit speech demo</title>');
    expect(await demo.stop()).toBe(0);
  });

  it('refuses a bad port in one line', async () => {
    const { runCli } = await import('./helpers/cli');
    expect(await runCli('demo', '--port', 'http')).toEqual({ code: 1, out: [], err: ['rnnkit: --port takes a port number from 0 to 65535 (0: any free port), got "http"'] });
    expect((await runCli('demo', 'extra')).code).toBe(2);
  });
});

it('the static folder is the one the package ships', () => {
  expect(fs.existsSync(path.join(DEMO_STATIC_ROOT, 'index.html'))).toBe(true);
  const files: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files;
  expect(files).toContain('demo');
});
