import { existsSync } from 'fs';
import { DEFAULT_TRANSLATOR_MODEL } from '../translate/default-model';
import { loadTranslator } from '../translate/translator-file';
import type { Io } from './io';

/** `rnnkit translate`: one Spanish line per English text argument. */
export function translateCommand(texts: string[], modelFile: string | undefined, beam: string | undefined, io: Io): number {
  const width = beam === undefined ? 5 : Number(beam);
  if (!(Number.isInteger(width) && width >= 1 && width <= 64)) {
    io.err(`rnnkit: --beam must be an integer from 1 to 64, got '${beam}'`);
    return 2;
  }
  if (modelFile === undefined && !existsSync(DEFAULT_TRANSLATOR_MODEL)) {
    // The model is in the repository's models/, not in the npm package (9 MB).
    io.err(`rnnkit: no translator at ${DEFAULT_TRANSLATOR_MODEL}: name one with --model (npm run train:translate makes it in a checkout)`);
    return 1;
  }
  const { translator } = loadTranslator(modelFile ?? DEFAULT_TRANSLATOR_MODEL);
  for (const line of translator.translate(texts, { beam: width })) io.out(line);
  return 0;
}
