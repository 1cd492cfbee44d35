import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli';

/** Runs the CLI in-process, collecting what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** The shipped sample clips (audio/) and their transcripts (audio/clips.json). */
export const SAMPLE_AUDIO = path.join(__dirname, '..', '..', 'audio');
export const sampleClips: { file: string; text: string }[] = JSON.parse(fs.readFileSync(path.join(SAMPLE_AUDIO, 'clips.json'), 'utf8'));
