/** Saving and loading a character language model (vocabulary, architecture, weights) as one JSON file, atomically. */
import { writeFileAtomic } from '../io/atomic-write';
import { modelFromJSON, modelToJSON, type ModelFile } from '../io/model-file';
import { readJson } from '../io/read-file';
import { FileError } from '../io/file-error';
import { CharLanguageModel, type CharLMSpec } from './char-lm';
import { CharVocabulary } from './vocabulary';

const FORMAT = 'rnnkit-char-lm';

interface CharLMFile {
  format: typeof FORMAT;
  chars: string[];
  spec: Omit<CharLMSpec, 'vocab'>;
  model: ModelFile;
  /** Free-form facts about the training run (steps, data, validation bpc). */
  info?: Record<string, unknown>;
}

export function charLMToJSON(lm: CharLanguageModel, info?: Record<string, unknown>): CharLMFile {
  const { vocab, ...spec } = lm.spec;
  return { format: FORMAT, chars: vocab.chars, spec, model: modelToJSON(lm.model), info };
}

export function saveCharLM(lm: CharLanguageModel, file: string, info?: Record<string, unknown>): void {
  writeFileAtomic(file, JSON.stringify(charLMToJSON(lm, info)));
}

export function loadCharLM(file: string): { lm: CharLanguageModel; info: Record<string, unknown> } {
  const json = readJson(file, (problem) => new FileError(file, problem)) as CharLMFile | null;
  if (json?.format !== FORMAT || !Array.isArray(json.chars)) throw new FileError(file, `not a character language model file (format '${String(json?.format)}')`);
  const lm = new CharLanguageModel({ ...json.spec, vocab: new CharVocabulary(json.chars) });
  lm.model.setWeights(modelFromJSON(json.model, file).getWeights());
  return { lm, info: json.info ?? {} };
}
