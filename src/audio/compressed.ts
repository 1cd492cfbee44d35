import { Worker } from 'worker_threads';
import { pathToFileURL } from 'url';
import { AudioError } from './audio-error';
import type { AudioFormat } from './audio-format';
import { tooLongProblem } from './limits';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type Audio } from './wav';

/** audio-decode's name for each compressed format it decodes for us. */
const DECODERS: Partial<Record<AudioFormat, string>> = { mp3: 'mp3', flac: 'flac', 'ogg-vorbis': 'oga', 'ogg-opus': 'opus' };
/** Encoded bytes fed per decoder call: small, so one call cannot produce much more audio than the limit allows. */
const CHUNK_BYTES = 4096;
/** A decoder stuck on a hostile file is stopped. */
const TIMEOUT_MS = 120_000;

/**
 * audio-decode (MP3, FLAC, Ogg Vorbis, Ogg Opus in WebAssembly) is ESM-only and this package is
 * CommonJS. It runs in a worker thread, whose code dynamic-imports it through Node's own ESM
 * loader: a TypeScript `import()` would be compiled to require(), and inside jest's module
 * sandbox neither require(esm) nor import() works, while a worker is outside it. The worker
 * also keeps a decoder crash or hang away from the caller (it is terminated on timeout).
 * It decodes chunk by chunk, mixes down to mono as it goes and stops at `maxSeconds`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const { moduleUrl, decoderName, bytes, chunkBytes, maxSeconds } = workerData;
(async () => {
  const decode = (await import(moduleUrl)).default;
  const decoder = await decode[decoderName]();
  const parts = [];
  let frames = 0, sampleRate = 0, channels = 0;
  const take = (audio) => {
    const data = audio && audio.channelData;
    if (!data || data.length === 0 || data[0].length === 0) return true;
    sampleRate = sampleRate || audio.sampleRate;
    channels = Math.max(channels, data.length);
    const mono = new Float32Array(data[0].length);
    for (const ch of data) for (let i = 0; i < mono.length; i++) mono[i] += ch[i] / data.length;
    parts.push(mono);
    frames += mono.length;
    return frames <= maxSeconds * sampleRate;
  };
  let within = true;
  for (let at = 0; within && at < bytes.length; at += chunkBytes) within = take(await decoder(bytes.subarray(at, at + chunkBytes)));
  if (within) within = take(await decoder()); else decoder.free();
  if (!within) return parentPort.postMessage({ tooLong: frames / sampleRate });
  const mono = new Float32Array(frames);
  let at = 0;
  for (const p of parts) { mono.set(p, at); at += p.length; }
  parentPort.postMessage({ sampleRate, channels, mono }, [mono.buffer]);
})().catch((err) => parentPort.postMessage({ error: String((err && err.message) || err) }));
`;

type WorkerReply = { sampleRate: number; channels: number; mono: Float32Array } | { tooLong: number } | { error: string };

/** Decodes a compressed file to mono (channels are averaged while decoding, to bound memory). */
export async function decodeCompressed(bytes: Uint8Array, format: AudioFormat, file: string, maxSeconds: number): Promise<Audio> {
  const decoderName = DECODERS[format];
  if (!decoderName) throw new Error(`no compressed decoder for ${format}`);
  const fail = (problem: string): never => {
    throw new AudioError(file, problem);
  };
  const reply = await runWorker({ moduleUrl: pathToFileURL(require.resolve('audio-decode')).href, decoderName, bytes, chunkBytes: CHUNK_BYTES, maxSeconds });
  if ('error' in reply) return fail(`cannot decode ${format}: ${reply.error}`);
  if ('tooLong' in reply) return fail(tooLongProblem(reply.tooLong, maxSeconds));
  const { sampleRate, channels, mono } = reply;
  if (mono.length === 0) fail(`no audio samples (not a valid ${format} stream)`);
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) fail(`unsupported sample rate ${sampleRate} Hz (${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE})`);
  if (channels > MAX_CHANNELS) fail(`unsupported channel count ${channels} (1 to ${MAX_CHANNELS})`);
  const bad = mono.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`sample ${bad} is ${mono[bad]} (corrupt stream)`);
  return { sampleRate, channels: [mono] };
}

/** Runs the decoder worker; a crash, an exit without a reply or a timeout come back as { error }. */
function runWorker(workerData: object): Promise<WorkerReply> {
  return new Promise((resolve) => {
    // The WebAssembly decoders log their errors to the console; keep that out of the caller's output.
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    const settle = (reply: WorkerReply) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(() => settle({ error: `the decoder did not finish within ${TIMEOUT_MS / 1000} s` }), TIMEOUT_MS);
    worker.on('message', settle);
    worker.on('error', (err) => settle({ error: err.message }));
    worker.on('exit', (code) => settle({ error: `the decoder stopped (exit code ${code})` }));
  });
}
