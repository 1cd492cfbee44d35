/**
 * Saving and loading a character language model (vocabulary, architecture, weights) as one file,
 * atomically: safetensors when the name ends in `.safetensors` (weights as float32 tensors, the
 * rest as metadata — compact for large models), JSON otherwise. Loading recognises either by content.
 */
import { writeFileAtomic } from '../io/atomic-write';
import { FileError } from '../io/file-error';
import { decodeSafetensorsOrFail, modelFromJSON, modelToJSON, type ModelFile } from '../io/model-file';
import { modelFromSafetensors, modelTensors } from '../io/model-safetensors';
import { parseJson, readBytes } from '../io/read-file';
import { encodeSafetensors, isSafetensors } from '../io/safetensors';
import { MAX_BINARY_BYTES } from '../limits';
import type { Sequential } from '../model';
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
  if (!file.endsWith('.safetensors')) {
    writeFileAtomic(file, JSON.stringify(charLMToJSON(lm, info)));
    return;
  }
  const { vocab, ...spec } = lm.spec;
  const metadata = {
    format: FORMAT,
    version: '1',
    chars: JSON.stringify(vocab.chars),
    spec: JSON.stringify(spec),
    config: JSON.stringify(lm.model.config),
    info: JSON.stringify(info ?? {}),
  };
  writeFileAtomic(file, encodeSafetensors(modelTensors(lm.model), metadata));
}

function parseField(fail: (problem: string) => Error, name: string, value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? '');
  } catch {
    throw fail(`the metadata holds no valid "${name}"`);
  }
}

export function loadCharLM(file: string): { lm: CharLanguageModel; info: Record<string, unknown> } {
  const fail = (problem: string) => new FileError(file, problem);
  const bytes = readBytes(file, fail, MAX_BINARY_BYTES);
  let chars: unknown, spec: Omit<CharLMSpec, 'vocab'>, info: Record<string, unknown> | undefined, stored: Sequential;
  if (isSafetensors(bytes)) {
    const decoded = decodeSafetensorsOrFail(bytes, fail);
    const meta = decoded.metadata;
    if (meta.format !== FORMAT) throw fail(`not a character language model file (format '${String(meta.format)}')`);
    chars = parseField(fail, 'chars', meta.chars);
    spec = parseField(fail, 'spec', meta.spec) as typeof spec;
    info = parseField(fail, 'info', meta.info ?? '{}') as typeof info;
    stored = modelFromSafetensors(decoded, fail);
  } else {
    const json = parseJson(bytes, fail) as CharLMFile | null;
    if (json?.format !== FORMAT) throw fail(`not a character language model file (format '${String(json?.format)}')`);
    ({ chars, spec, info } = json);
    stored = modelFromJSON(json.model, file);
  }
  if (!Array.isArray(chars) || !chars.every((c) => typeof c === 'string')) throw fail('"chars" must be a list of strings');
  const lm = new CharLanguageModel({ ...spec, vocab: new CharVocabulary(chars as string[]) });
  lm.model.setWeights(stored.getWeights());
  return { lm, info: info ?? {} };
}
