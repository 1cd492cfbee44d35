/**
 * A translator in one safetensors file: the model's parameters under their names, the spec and
 * both byte-pair encodings as metadata (plus free-form info, and for training checkpoints extra
 * tensors and metadata). Written atomically.
 */
import { writeFileAtomic } from '../io/atomic-write';
import { FileError } from '../io/file-error';
import { readBytes } from '../io/read-file';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, tensorValues, type DecodedSafetensors, type SafeTensor } from '../io/safetensors';
import { MAX_BINARY_BYTES } from '../limits';
import { TokenVocabulary } from '../seq2seq/token-vocabulary';
import { BytePairEncoding } from './bpe';
import { Translator, type TranslatorSpec } from './translator';

const FORMAT = 'rnnkit-translator';

export interface TranslatorFileExtras {
  tensors?: SafeTensor[];
  metadata?: Record<string, string>;
}

function named(t: Translator): { name: string; shape: number[]; value: Float32Array | Float64Array }[] {
  return t.model.params().map((p) => ({ name: (p as { qualifiedName?: string }).qualifiedName ?? p.name, shape: p.shape, value: p.value }));
}

export function saveTranslator(t: Translator, file: string, info: Record<string, unknown> = {}, extras: TranslatorFileExtras = {}): void {
  const tensors: SafeTensor[] = named(t).map((p) => ({ name: p.name, dtype: 'F32', shape: p.shape, data: Float32Array.from(p.value) }));
  const metadata = {
    ...extras.metadata,
    format: FORMAT,
    version: '1',
    spec: JSON.stringify(t.spec),
    sourceBpe: JSON.stringify(t.sourceBpe.toJSON()),
    targetBpe: JSON.stringify(t.targetBpe.toJSON()),
    info: JSON.stringify(info),
  };
  writeFileAtomic(file, encodeSafetensors([...tensors, ...(extras.tensors ?? [])], metadata));
}

export interface LoadedTranslator {
  translator: Translator;
  info: Record<string, unknown>;
  decoded: DecodedSafetensors;
}

export function loadTranslator(file: string): LoadedTranslator {
  const fail = (problem: string) => new FileError(file, problem);
  let decoded: DecodedSafetensors;
  try {
    decoded = decodeSafetensors(readBytes(file, fail, MAX_BINARY_BYTES));
  } catch (err) {
    if (err instanceof SafetensorsError) throw fail(err.message);
    throw err;
  }
  const meta = decoded.metadata;
  if (meta.format !== FORMAT) throw fail(`not a translator file (format '${String(meta.format)}')`);
  let translator: Translator;
  let info: Record<string, unknown>;
  let spec: TranslatorSpec;
  let sourceBpe: BytePairEncoding;
  let targetBpe: BytePairEncoding;
  try {
    spec = JSON.parse(meta.spec) as TranslatorSpec;
    if (typeof spec !== 'object' || spec === null) throw new Error('the spec is not an object');
    sourceBpe = BytePairEncoding.fromJSON(JSON.parse(meta.sourceBpe));
    targetBpe = BytePairEncoding.fromJSON(JSON.parse(meta.targetBpe));
    info = JSON.parse(meta.info ?? '{}');
  } catch (err) {
    throw fail(`corrupt metadata: ${(err as Error).message}`);
  }
  // The spec must describe the stored tensors before the network is built: then building allocates
  // no more than the file holds (a tampered spec asking for a million units fails here).
  type Width = [tensor: string, axis: number, fromSpec: unknown];
  const widths: Width[] = [
    ['source_embedding.weight', 1, spec.embeddingDim],
    ['decoder.weight_hh', 1, spec.hiddenSize],
    ['source_embedding.weight', 0, new TokenVocabulary(sourceBpe.symbols()).size],
    // Tied: the one table is source_embedding.weight, and the model checks that the vocabularies agree.
    ...(spec.tied ? [] : [['target_embedding.weight', 0, new TokenVocabulary(targetBpe.symbols()).size] as Width]),
  ];
  for (const [name, axis, expected] of widths) {
    const t = decoded.tensors.get(name);
    if (!t || t.shape.length !== 2 || t.shape[axis] !== expected) throw fail(`the spec does not describe the stored tensor ${name} (${t ? t.shape.join('x') : 'missing'})`);
  }
  try {
    translator = new Translator(spec, sourceBpe, targetBpe);
  } catch (err) {
    throw fail(`corrupt metadata: ${(err as Error).message}`);
  }
  for (const p of named(translator)) {
    const t = decoded.tensors.get(p.name);
    if (!t || t.dtype !== 'F32' || t.shape.join('x') !== p.shape.join('x')) throw fail(`tensor ${p.name} (F32 ${p.shape.join('x')}) is missing or has another shape`);
    p.value.set(tensorValues(t));
  }
  return { translator, info, decoded };
}
