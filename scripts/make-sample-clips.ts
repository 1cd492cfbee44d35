/**
 * Writes the sample clips shipped in audio/ and audio/clips.json (their transcripts).
 * Voices are validation voices (never used in training, none of the reserved ones).
 * Needs Debian's espeak-ng and flite. Usage: npm run speech:samples
 */
import * as path from 'path';
import { Rng } from '../src/core/rng';
import { encodeWav } from '../src/audio/wav';
import { resample } from '../src/audio/resample';
import { writeFileAtomic } from '../src/io/atomic-write';
import { renderUtterance } from '../src/speech/corpus';
import type { Condition } from '../src/speech/conditions';
import { voiceName, type VoiceSpec } from '../src/speech/synthesize';

const OUT = path.join(__dirname, '..', 'audio');
const caribbean: VoiceSpec = { engine: 'espeak-ng', voice: 'en-029', variant: 'f2' };
const caribbeanMale: VoiceSpec = { engine: 'espeak-ng', voice: 'en-029', variant: 'm6' };
type NoiseLabel = 'clean' | '20dB' | '10dB';
const CONDITION: Record<NoiseLabel, Condition> = {
  clean: { channel: 'wideband' },
  '20dB': { channel: 'wideband', noise: { type: 'white', snrDb: 20 } },
  '10dB': { channel: 'wideband', noise: { type: 'white', snrDb: 10 } },
};
const CLIPS: { file: string; text: string; voice: VoiceSpec; noise: NoiseLabel; format?: 'stereo-22k' }[] = [
  { file: 'digits-427.wav', text: 'four two seven', voice: caribbeanMale, noise: 'clean' },
  { file: 'digits-9015.wav', text: 'nine oh one five', voice: caribbean, noise: 'clean' },
  { file: 'digits-338-noisy.wav', text: 'three three eight', voice: caribbeanMale, noise: '20dB' },
  { file: 'digits-60512.wav', text: 'six zero five one two', voice: { engine: 'espeak-ng', voice: 'en-029' }, noise: 'clean', format: 'stereo-22k' },
  { file: 'command-yes.wav', text: 'yes', voice: caribbean, noise: 'clean' },
  { file: 'command-stop.wav', text: 'stop', voice: caribbeanMale, noise: '10dB' },
  { file: 'command-left.wav', text: 'left', voice: { engine: 'espeak-ng', voice: 'en-029', variant: 'm3' }, noise: 'clean' },
];

async function main(): Promise<void> {
const manifest = await Promise.all(CLIPS.map(async (c, i) => {
  const signal = await renderUtterance(c.text, c.voice, CONDITION[c.noise], new Rng(700 + i));
  const bytes = c.format === 'stereo-22k'
    ? encodeWav({ sampleRate: 22050, channels: [resample(signal, 16000, 22050), resample(signal, 16000, 22050)] })
    : encodeWav({ sampleRate: 16000, channels: [signal] });
  writeFileAtomic(path.join(OUT, c.file), bytes);
  return { file: c.file, text: c.text, voice: voiceName(c.voice), noise: c.noise, format: c.format === 'stereo-22k' ? 'stereo 22.05 kHz 16-bit PCM' : 'mono 16 kHz 16-bit PCM' };
}));
writeFileAtomic(path.join(OUT, 'clips.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${manifest.length} clips to audio/`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
