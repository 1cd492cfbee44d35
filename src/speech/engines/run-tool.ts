import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { wavTo16k } from './to-16k';

const run = promisify(execFile);

/**
 * Runs a command-line synthesiser that writes a WAV file and returns that audio as 16 kHz mono.
 * `args` gets the paths of the WAV file to write and of a file holding `text`, so that no text
 * has to survive a command line. Asynchronous, so a caller may keep several synthesisers busy.
 */
export async function synthesizeWithTool(command: string, args: (wav: string, textFile: string) => string[], text: string): Promise<Float32Array> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-tts-'));
  const wav = path.join(dir, 'out.wav');
  const textFile = path.join(dir, 'text.txt');
  try {
    fs.writeFileSync(textFile, `${text}\n`);
    // The synthesisers' own chatter stays out of the caller's output (a failure still throws with it).
    await run(command, args(wav, textFile), { maxBuffer: 1 << 20 });
    return wavTo16k(fs.readFileSync(wav), wav);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
