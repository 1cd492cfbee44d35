/**
 * The English→Spanish parallel corpus (issue #14): Brown sentences of 3–15 words translated by
 * Apertium (eng-spa), cached in data/translation/eng-spa.tsv.gz so that tests and training need
 * no Apertium. Each line: split \t English \t Spanish. The split is a hash of the English sentence,
 * so it does not depend on the order or number of sentences (reproducible across corpus edits).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readBytes } from '../io/read-file';
import { FileError } from '../io/file-error';

export type SplitName = 'train' | 'valid' | 'test';

export interface SentencePair {
  split: SplitName;
  en: string;
  es: string;
}

export const CORPUS_FILE = join(__dirname, '..', '..', 'data', 'translation', 'eng-spa.tsv.gz');
/** Sentence length limit in whitespace-separated words (punctuation attached). */
export const MIN_WORDS = 3;
export const MAX_WORDS = 15;

/** FNV-1a of the UTF-16 code units: a stable hash with no dependency. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** 90% train, 5% validation, 5% test. */
export function splitOf(en: string): SplitName {
  const r = fnv1a(en) % 100;
  return r < 90 ? 'train' : r < 95 ? 'valid' : 'test';
}

export function withinLengthLimit(sentence: string): boolean {
  const n = sentence.split(/\s+/).filter((w) => w.length > 0).length;
  return n >= MIN_WORDS && n <= MAX_WORDS && !sentence.includes('\t');
}

export function encodeCorpus(pairs: SentencePair[]): Buffer {
  return gzipSync(pairs.map((p) => `${p.split}\t${p.en}\t${p.es}\n`).join(''), { level: 9 });
}

export function loadParallelCorpus(file = CORPUS_FILE): SentencePair[] {
  const bytes = readBytes(file, (problem) => new FileError(file, `${problem} (npm run translate:corpus makes it)`));
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch {
    throw new FileError(file, 'not a gzip file (npm run translate:corpus makes it)');
  }
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line, i) => {
      const [split, en, es] = line.split('\t');
      if (!(split === 'train' || split === 'valid' || split === 'test') || en === undefined || es === undefined) {
        throw new FileError(file, `line ${i + 1} is not split \\t English \\t Spanish`);
      }
      return { split, en, es };
    });
}

/** The pairs of one split, in file order. */
export function corpusSplit(pairs: SentencePair[], split: SplitName): SentencePair[] {
  return pairs.filter((p) => p.split === split);
}
