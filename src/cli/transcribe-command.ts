import { DEFAULT_SPEECH_MODEL, Transcriber, type Decoder } from '../speech/transcriber';
import type { Io } from './io';

/** `rnnkit transcribe`: prints "file: transcript" per clip; a bad clip is reported and the others still run. */
export async function transcribeCommand(files: string[], modelFile: string | undefined, decoder: Decoder, io: Io): Promise<number> {
  const transcriber = await Transcriber.load(modelFile ?? DEFAULT_SPEECH_MODEL, decoder);
  let failed = 0;
  try {
    for (const file of files) {
      try {
        io.out(`${file}: ${await transcriber.transcribeFile(file)}`);
      } catch (err) {
        failed++;
        io.err(`rnnkit: ${(err as Error).message}`);
      }
    }
  } finally {
    await transcriber.release();
  }
  return failed > 0 ? 1 : 0;
}
