/**
 * Makes the English→Spanish corpus: Brown sentences of 3–15 words (distinct, corpus order), plus
 * as training-only material the 3–15-word clauses of the longer sentences (none equal to a corpus
 * sentence), translated line by line by Debian's Apertium (`apt-get install apertium apertium-eng-spa`; -u: no
 * marks on unknown words, which are copied), written to data/translation/eng-spa.tsv.gz with the
 * train/valid/test split of src/translate/parallel-corpus.ts. Deterministic: same packages, same file.
 * Usage: npm run translate:corpus
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadBrownSentences } from '../src/data/brown-corpus';
import { writeFileAtomic } from '../src/io/atomic-write';
import { clausesOf, CORPUS_FILE, encodeCorpus, splitOf, withinLengthLimit, type SentencePair } from '../src/translate/parallel-corpus';

function apertium(lines: string[]): string[] {
  const t0 = Date.now();
  // Input through a file: the apertium shell script closes a piped stdin early (EPIPE).
  const dir = mkdtempSync(join(tmpdir(), 'apertium-'));
  const input = join(dir, 'en.txt');
  writeFileSync(input, lines.join('\n') + '\n');
  const r = spawnSync('apertium', ['-u', 'eng-spa', input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(dir, { recursive: true, force: true });
  if (r.error || r.status !== 0) throw new Error(`apertium eng-spa failed (${r.error?.message ?? r.stderr}); install it: apt-get install apertium apertium-eng-spa`);
  const out = r.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
  if (out[out.length - 1] === '') out.pop();
  if (out.length !== lines.length) throw new Error(`apertium returned ${out.length} lines for ${lines.length}`);
  const words = lines.reduce((n, l) => n + l.split(' ').length, 0);
  console.log(`apertium: ${words} words in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

const brown = loadBrownSentences();
const english = [...new Set(brown.filter(withinLengthLimit))];
const sentences = new Set(english);
const clauses = [...new Set(brown.flatMap(clausesOf))].filter((c) => !sentences.has(c));
const spanish = apertium([...english, ...clauses]);
const pairs: SentencePair[] = [
  ...english.map((en, i) => ({ split: splitOf(en), en, es: spanish[i] })),
  ...clauses.map((en, i) => ({ split: 'train' as const, en, es: spanish[english.length + i], clause: true })),
].filter((p) => p.es.length > 0);
mkdirSync(dirname(CORPUS_FILE), { recursive: true });
const bytes = encodeCorpus(pairs);
writeFileAtomic(CORPUS_FILE, bytes);
const count = (s: string) => pairs.filter((p) => p.split === s).length;
const clausePairs = pairs.filter((p) => p.clause).length;
console.log(`${CORPUS_FILE}: ${pairs.length} pairs (train ${count('train')} of which ${clausePairs} clauses, valid ${count('valid')}, test ${count('test')}), ${(bytes.length / 1e6).toFixed(2)} MB`);
