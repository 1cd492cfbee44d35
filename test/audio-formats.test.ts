import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeAudio, readAudio } from '../src/audio/read-audio';
import { sniffAudioFormat } from '../src/audio/audio-format';
import { AudioError } from '../src/audio/audio-error';
import { ENCODERS } from './helpers/encode-audio';
import { Rng } from '../src/core/rng';
import { runCli } from './helpers/cli';
import { SAMPLE_AUDIO as AUDIO, sampleClips as clips } from './helpers/sample-clips';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-formats-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Each format gets two different sample clips (a digit string and another), encoded by a real encoder. */
const formats = Object.keys(ENCODERS).map((name, k) => {
  const picked = [clips[k % clips.length], clips[(k + 3) % clips.length]];
  const files = picked.map((clip, j) => {
    const out = path.join(tmp, `${name.replace(/\W+/g, '-')}-${j}.audio`); // the extension says nothing: formats are sniffed
    ENCODERS[name](path.join(AUDIO, clip.file), out);
    return { file: out, text: clip.text };
  });
  return [name, files] as const;
});

describe('audio formats made by real encoders', () => {
  it('detects each format from its first bytes', () => {
    const sniffed = formats.map(([name, files]) => [name, sniffAudioFormat(fs.readFileSync(files[0].file))]);
    expect(sniffed).toEqual([
      ['μ-law WAV', 'wav'], ['A-law WAV', 'wav'], ['FLAC', 'flac'], ['Ogg Vorbis', 'ogg-vorbis'], ['MP3', 'mp3'], ['Ogg Opus', 'ogg-opus'],
    ]);
  });

  it.each(formats)('%s: the shipped model transcribes the clips right', async (_name, files) => {
    const r = await runCli('transcribe', ...files.map((f) => f.file));
    expect(r.err).toEqual([]);
    expect(r.out).toEqual(files.map((f) => `${f.file}: ${f.text}`));
  });

  it('every format decodes to the duration of its source clip (±0.15 s: MP3 pads to whole frames after an encoder delay)', async () => {
    const seconds = async (file: string) => {
      const audio = await readAudio(file);
      return audio.channels[0].length / audio.sampleRate;
    };
    const picked = formats.map(([, files]) => clips.find((c) => c.text === files[0].text)!);
    const sources = await Promise.all(picked.map((c) => seconds(path.join(AUDIO, c.file))));
    const decoded = await Promise.all(formats.map(([, files]) => seconds(files[0].file)));
    decoded.forEach((s, k) => expect(Math.abs(s - sources[k])).toBeLessThan(0.15));
  });
});

describe('bounds on untrusted compressed input', () => {
  const flac = () => fs.readFileSync(formats.find(([n]) => n === 'FLAC')![1][0].file);

  it('refuses a FLAC file whose header declares more than the limit, before decoding', async () => {
    const bytes = flac();
    // STREAMINFO total samples (36 bits from byte 21.5): 16 kHz × 2 hours
    const total = 16000 * 7200;
    bytes[21] = (bytes[21] & 0xf0) | Math.floor(total / 2 ** 32);
    bytes.writeUInt32BE(total >>> 0, 22);
    await expect(decodeAudio(bytes, 'long.flac')).rejects.toThrow(/^long\.flac: too long: 7200\.0 s \(audio up to 3600 s\)$/);
  });

  it('stops decoding once the audio runs past the limit (MP3 headers state no duration)', async () => {
    const mp3 = fs.readFileSync(formats.find(([n]) => n === 'MP3')![1][0].file);
    await expect(decodeAudio(mp3, 'clip.mp3', 0.5)).rejects.toThrow(/^clip\.mp3: too long: \d+\.\d s \(audio up to 0\.5 s\)$/);
  });

  it('refuses compressed files over 50 MB unread, and names unknown formats with the supported ones', async () => {
    const huge = new Uint8Array(50e6 + 1);
    huge.set([0x66, 0x4c, 0x61, 0x43]); // fLaC
    await expect(decodeAudio(huge, 'huge.flac')).rejects.toThrow(/^huge\.flac: too large: 50\.0 MB \(compressed files up to 50 MB\)$/);
    const text = new TextEncoder().encode('hello, this is not audio');
    await expect(decodeAudio(text, 'notes.mp3')).rejects.toThrow(AudioError);
    await expect(decodeAudio(text, 'notes.mp3')).rejects.toThrow(
      'notes.mp3: unknown audio format (starts with "hell"; supported: WAV (PCM, float, A-law, μ-law), MP3, FLAC, Ogg Vorbis, Ogg Opus)',
    );
  });

  it('mutated compressed files decode or throw AudioError, nothing else', async () => {
    const rng = new Rng(12);
    const seeds = formats.slice(2).map(([, files]) => fs.readFileSync(files[0].file));
    for (let i = 0; i < 16; i++) {
      const bytes = Uint8Array.from(seeds[i % seeds.length]);
      for (let k = 0; k < 1 + rng.int(20); k++) bytes[rng.int(bytes.length)] = rng.int(256);
      const input = rng.int(2) === 0 ? bytes : bytes.subarray(0, rng.int(bytes.length));
      await decodeAudio(input, 'fuzz').catch((err) => expect(err).toBeInstanceOf(AudioError));
    }
  });

  it('a corrupt compressed stream is an AudioError, not a crash', async () => {
    const bytes = flac().subarray(0, 200);
    const garbage = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251);
    const cut = new Uint8Array([...bytes, ...garbage]);
    await expect(decodeAudio(cut, 'cut.flac')).rejects.toThrow(AudioError);
  });
});
