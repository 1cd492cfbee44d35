/**
 * The English→Spanish parallel corpus (issue #14): Brown sentences of 3–15 words translated by
 * Apertium (eng-spa), cached in data/translation/eng-spa.tsv.gz so that tests and training need
 * no Apertium. Each line: split \t English \t Spanish [\t clause]. The split of a sentence is a hash of
 * its English, so it does not depend on the order or number of sentences (reproducible across corpus
 * edits). Lines marked `clause` are extra training material: the clauses of Brown sentences longer
 * than MAX_WORDS (never themselves in validation or test, which hold whole sentences only).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readBytes } from '../io/read-file';
import { FileError } from '../io/file-error';

export const SPLITS = ['train', 'valid', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface SentencePair {
  split: SplitName;
  en: string;
  es: string;
  /** A clause cut from a longer sentence (always training data). */
  clause?: boolean;
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
  const n = wordCount(sentence);
  return n >= MIN_WORDS && n <= MAX_WORDS && !sentence.includes('\t');
}

/**
 * The clauses of a sentence longer than MAX_WORDS: pieces between , ; or : that are themselves
 * within the length limit (the punctuation stays with the piece before it).
 */
export function clausesOf(sentence: string): string[] {
  if (wordCount(sentence) <= MAX_WORDS) return [];
  return sentence
    .split(/(?<=[,;:])\s+/)
    .map((c) => c.trim())
    .filter(withinLengthLimit);
}

function wordCount(sentence: string): number {
  return sentence.split(/\s+/).filter((w) => w.length > 0).length;
}

export function encodeCorpus(pairs: SentencePair[]): Buffer {
  return gzipSync(pairs.map((p) => `${p.split}\t${p.en}\t${p.es}${p.clause ? '\tclause' : ''}\n`).join(''), { level: 9 });
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
      const [split, en, es, mark] = line.split('\t');
      if (!(split === 'train' || split === 'valid' || split === 'test') || en === undefined || es === undefined || (mark !== undefined && !(mark === 'clause' && split === 'train'))) {
        throw new FileError(file, `line ${i + 1} is not split \\t English \\t Spanish [\\t clause]`);
      }
      return mark === 'clause' ? { split, en, es, clause: true } : { split, en, es };
    });
}

/** The pairs of one split, in file order. */
export function corpusSplit(pairs: SentencePair[], split: SplitName): SentencePair[] {
  return pairs.filter((p) => p.split === split);
}
