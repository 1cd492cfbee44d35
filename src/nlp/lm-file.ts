/**
 * Saving and loading a recurrent language model (vocabulary, architecture, weights) as one file,
 * atomically: safetensors when the name ends in `.safetensors` (weights as float32 tensors, the
 * rest as metadata — compact for large models), JSON otherwise. Loading recognises either by content.
 * Character and word models share this code; each kind has its own format name and vocabulary field.
 */
import { writeFileAtomic } from '../io/atomic-write';
import { FileError } from '../io/file-error';
import { decodeSafetensorsOrFail, modelFromJSON, modelToJSON, type ModelFile } from '../io/model-file';
import { modelFromSafetensors, modelTensors } from '../io/model-safetensors';
import { parseJson, readBytes } from '../io/read-file';
import { encodeSafetensors, isSafetensors } from '../io/safetensors';
import { MAX_BINARY_BYTES } from '../limits';
import type { LayerSpec, Sequential } from '../model';
import { CharLanguageModel } from './char-lm';
import { lmLayers, type RecurrentLanguageModel, type RecurrentLMSpec } from './recurrent-lm';
import { CharVocabulary, type TokenVocabulary } from './vocabulary';
import { WordLanguageModel } from './word-lm';
import { WordVocabulary } from './word-vocabulary';

/** One kind of language model file: its format name, the field holding the vocabulary, and how to rebuild the model. */
interface LMKind<V extends TokenVocabulary, M extends RecurrentLanguageModel<V>> {
  format: string;
  /** 'a character' / 'a word': for error messages. */
  what: string;
  field: string;
  make: (symbols: string[], spec: Omit<RecurrentLMSpec<V>, 'vocab'>) => M;
}

const CHAR_LM: LMKind<CharVocabulary, CharLanguageModel> = {
  format: 'rnnkit-char-lm',
  what: 'a character',
  field: 'chars',
  make: (chars, spec) => new CharLanguageModel({ ...spec, vocab: new CharVocabulary(chars) }),
};

const WORD_LM: LMKind<WordVocabulary, WordLanguageModel> = {
  format: 'rnnkit-word-lm',
  what: 'a word',
  field: 'words',
  make: (words, spec) => new WordLanguageModel({ ...spec, vocab: new WordVocabulary(words) }),
};

type Spec = Omit<RecurrentLMSpec, 'vocab'>;

interface LMFile {
  format: string;
  spec: Spec;
  model: ModelFile;
  /** Free-form facts about the training run (steps, data, validation figures). */
  info?: Record<string, unknown>;
  /** The vocabulary's symbols, under the kind's field name ('chars' or 'words'). */
  [field: string]: unknown;
}

function lmToJSON(kind: LMKind<TokenVocabulary, RecurrentLanguageModel>, lm: RecurrentLanguageModel, info?: Record<string, unknown>): LMFile {
  const { vocab, ...spec } = lm.spec;
  return { format: kind.format, [kind.field]: [...vocab.symbols], spec, model: modelToJSON(lm.model), info };
}

function saveLM(kind: LMKind<TokenVocabulary, RecurrentLanguageModel>, lm: RecurrentLanguageModel, file: string, info?: Record<string, unknown>): void {
  if (!file.endsWith('.safetensors')) {
    writeFileAtomic(file, JSON.stringify(lmToJSON(kind, lm, info)));
    return;
  }
  const { vocab, ...spec } = lm.spec;
  const metadata = {
    format: kind.format,
    version: String(LM_FILE_VERSION),
    [kind.field]: JSON.stringify(vocab.symbols),
    spec: JSON.stringify(spec),
    config: JSON.stringify(lm.model.config),
    info: JSON.stringify(info ?? {}),
  };
  writeFileAtomic(file, encodeSafetensors(modelTensors(lm.model), metadata));
}

const LM_FILE_VERSION = 1;

/**
 * The spec must describe the stored network, which the model loader has checked against its limits: a spec
 * that does not (a tampered file asking for a million units) is refused before it builds anything.
 */
function checkSpec(fail: (problem: string) => Error, spec: Spec, vocabSize: number, stored: readonly LayerSpec[]): void {
  const layers = spec?.layers ?? 1;
  const expected = Number.isInteger(layers) && layers >= 1 && layers <= stored.length ? lmLayers(spec, vocabSize) : [];
  const same = (want: LayerSpec, got: LayerSpec | undefined) =>
    got !== undefined && Object.entries(want).every(([k, v]) => (got as unknown as Record<string, unknown>)[k] === v);
  if (expected.length !== stored.length || !expected.every((l, i) => same(l, stored[i]))) {
    throw fail('its spec (vocabulary, layers, sizes) does not describe the stored network');
  }
}

function parseField(fail: (problem: string) => Error, name: string, value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? '');
  } catch {
    throw fail(`the metadata holds no valid "${name}"`);
  }
}

function loadLM<V extends TokenVocabulary, M extends RecurrentLanguageModel<V>>(kind: LMKind<V, M>, file: string): { lm: M; info: Record<string, unknown> } {
  const fail = (problem: string) => new FileError(file, problem);
  const bytes = readBytes(file, fail, MAX_BINARY_BYTES);
  const wrongFormat = (format: unknown) => fail(`not ${kind.what} language model file (format '${String(format)}')`);
  let symbols: unknown, spec: Spec, info: Record<string, unknown> | undefined, stored: Sequential;
  if (isSafetensors(bytes)) {
    const decoded = decodeSafetensorsOrFail(bytes, fail);
    const meta = decoded.metadata;
    if (meta.format !== kind.format) throw wrongFormat(meta.format);
    if (!(Number(meta.version) <= LM_FILE_VERSION)) throw fail(`language model file version '${String(meta.version)}' is newer than this rnnkit supports (${LM_FILE_VERSION}); upgrade rnnkit`);
    symbols = parseField(fail, kind.field, meta[kind.field]);
    spec = parseField(fail, 'spec', meta.spec) as Spec;
    info = parseField(fail, 'info', meta.info ?? '{}') as typeof info;
    stored = modelFromSafetensors(decoded, fail);
  } else {
    const json = parseJson(bytes, fail) as LMFile | null;
    if (json?.format !== kind.format) throw wrongFormat(json?.format);
    ({ [kind.field]: symbols, spec, info } = json);
    stored = modelFromJSON(json.model, file);
  }
  if (!Array.isArray(symbols) || !symbols.every((c) => typeof c === 'string')) throw fail(`"${kind.field}" must be a list of strings`);
  checkSpec(fail, spec, symbols.length, stored.config.layers);
  const lm = kind.make(symbols as string[], spec);
  lm.model.setWeights(stored.getWeights());
  return { lm, info: info ?? {} };
}

export const charLMToJSON = (lm: CharLanguageModel, info?: Record<string, unknown>): LMFile => lmToJSON(CHAR_LM, lm, info);
export const saveCharLM = (lm: CharLanguageModel, file: string, info?: Record<string, unknown>): void => saveLM(CHAR_LM, lm, file, info);
export const loadCharLM = (file: string): { lm: CharLanguageModel; info: Record<string, unknown> } => loadLM(CHAR_LM, file);
export const saveWordLM = (lm: WordLanguageModel, file: string, info?: Record<string, unknown>): void => saveLM(WORD_LM, lm, file, info);
export const loadWordLM = (file: string): { lm: WordLanguageModel; info: Record<string, unknown> } => loadLM(WORD_LM, file);
