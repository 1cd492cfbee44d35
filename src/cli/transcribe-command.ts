import { DEFAULT_SPEECH_MODEL, Transcriber, type Decoder, type TranscriberOptions } from '../speech/transcriber';
import type { Io } from './io';

/**
 * `rnnkit transcribe`: prints "file: transcript" per clip, or "file [start–end s]: transcript"
 * per segment of a recording long enough to be split; a bad clip is reported and the others still run.
 */
export async function transcribeCommand(files: string[], modelFile: string | undefined, decoder: Decoder, io: Io, options: TranscriberOptions = {}): Promise<number> {
  const transcriber = await Transcriber.load(modelFile ?? DEFAULT_SPEECH_MODEL, decoder, options);
  let failed = 0;
  try {
    for (const file of files) {
      try {
        const { segmented, segments } = await transcriber.transcribeSegments(file);
        if (!segmented) io.out(`${file}: ${segments[0].text}`);
        else if (segments.length === 0) io.out(`${file}: `); // a long recording without speech
        else for (const s of segments) io.out(`${file} [${s.start.toFixed(2)}–${s.end.toFixed(2)} s]: ${s.text}`);
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
