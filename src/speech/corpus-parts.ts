import * as fs from 'fs';
import * as path from 'path';
import { conditionName } from './conditions';
import {
  changedShares, checkPartSize, concatCorpora, conditionsPerUtterance, generateCorpusParts, loadCorpus, plannedUtterances, saveCorpus, type Corpus, type CorpusOptions, type PlannedUtterance,
} from './corpus';
import { voiceName } from './synthesize';

/**
 * A corpus made in saved parts, so that a long run (speech:corpus: 47 minutes for 36,000 training
 * utterances) can be stopped and started again: each part of `partSize` utterances is saved as
 * `<base>.part<k>` once made, a run with the same options resumes after the last whole part, and at
 * the end the parts are joined into `<base>` and removed. The features are the same as a run's
 * without a stop: the utterances before the resume point are drawn from the seed, not made again.
 */
export const CORPUS_PART_SIZE = 500;

const partBase = (base: string, k: number) => `${base}.part${k}`;

export async function makeCorpusInParts(opts: CorpusOptions, base: string, partSize = CORPUS_PART_SIZE, log: (line: string) => void = () => {}): Promise<Corpus> {
  checkPartSize(partSize); // before the saved parts are counted in steps of it
  // Made whole by an earlier run (speech:corpus stopped while another shard was still running): nothing to make.
  const plan = plannedUtterances(opts);
  const made = finishedCorpus(opts, plan, base);
  if (made) {
    removeParts(base);
    log(`already made (${path.basename(base)}.json)`);
    return made;
  }
  const parts = savedParts(opts, plan, base, partSize);
  if (parts.length > 0) log(`resuming after ${parts.length * partSize} utterances (${parts.length} saved parts, ${path.basename(partBase(base, 0))} ...)`);
  const perPart = partSize * conditionsPerUtterance(opts.mode);
  for await (const part of generateCorpusParts({ ...opts, from: parts.length * partSize }, partSize)) {
    // Only whole parts are resumed from; the last, smaller one is joined at once.
    if (part.utterances.length === perPart) saveCorpus(part, partBase(base, parts.length));
    parts.push(part);
  }
  const corpus = concatCorpora(parts);
  saveCorpus(corpus, base);
  removeParts(base);
  return corpus;
}

/** The corpus saved at `base`, when it is this one whole (else undefined: it is made again, and written over). */
function finishedCorpus(opts: CorpusOptions, plan: readonly PlannedUtterance[], base: string): Corpus | undefined {
  if (!fs.existsSync(`${base}.json`)) return undefined;
  let corpus: Corpus;
  try {
    corpus = loadCorpus(base);
  } catch {
    return undefined;
  }
  return holdsPlanned(corpus, opts, plan) ? corpus : undefined;
}

/** The whole parts saved by an earlier run of the same corpus, checked to be its first utterances; refused when they are another corpus's. */
function savedParts(opts: CorpusOptions, plan: readonly PlannedUtterance[], base: string, partSize: number): Corpus[] {
  const parts: Corpus[] = [];
  for (let k = 0; (k + 1) * partSize <= opts.count && fs.existsSync(`${partBase(base, k)}.json`); k++) {
    const fail = (why: string) => new Error(`${partBase(base, k)}.json ${why}: remove ${path.basename(base)}.part* from ${path.dirname(base)} to start again`);
    let part: Corpus;
    try {
      part = loadCorpus(partBase(base, k));
    } catch (err) {
      throw fail(`cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!holdsPlanned(part, opts, plan.slice(k * partSize, (k + 1) * partSize))) {
      throw fail("holds other utterances than this corpus's (a run with another seed, voices, shares, --dereverb, speed views or --part-size)");
    }
    parts.push(part);
  }
  return parts;
}

/** Whether `corpus` holds the `planned` utterances (a stretch of the corpus `opts` plans), made with its settings. */
function holdsPlanned(corpus: Corpus, opts: CorpusOptions, planned: readonly PlannedUtterance[]): boolean {
  const entries = planned.flatMap((u) => (u.conditions === 'train' ? ['train'] : u.conditions.map(conditionName)).map((c) => `${u.text}|${voiceName(u.voice)}|${c}`));
  return corpus.utterances.length === entries.length && settingsOfCorpus(corpus) === settingsOfOptions(opts)
    && corpus.utterances.every((u, i) => `${u.text}|${u.voice}|${u.condition}` === entries[i]);
}

/** What a corpus's options leave in its manifest besides the utterances (WPE, changed shares, views), as its options give it... */
function settingsOfOptions(opts: CorpusOptions): string {
  const train = opts.mode === 'train';
  return JSON.stringify({ dereverberated: !train && opts.dereverberate === true, shares: changedShares(opts), views: train ? [] : (opts.viewSpeeds ?? []) });
}

/** ... and as a saved corpus's manifest says it. */
function settingsOfCorpus(corpus: Corpus): string {
  return JSON.stringify({ dereverberated: corpus.dereverberated === true, shares: changedShares(corpus), views: corpus.speedViews?.map((v) => v.speed) ?? [] });
}

/**
 * Removes every part file of `base`: whole parts, their views, a part a stop left half-written, and temporary files of a
 * killed write, in an order that leaves no manifest naming a removed file if the removal is stopped.
 */
export function removeParts(base: string): void {
  const dir = path.dirname(base);
  const name = path.basename(base).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const isPart = new RegExp(`^\\.?${name}\\.part\\d+(\\.speed-[\\d.]+)?\\.(json|f32)(\\.tmp-.*)?$`);
  const files = fs.readdirSync(dir).filter((f) => isPart.test(f));
  // A part's manifest names its views: it goes first, then the views' manifests, then the data.
  const rank = (f: string) => (/\.part\d+\.json$/.test(f) ? 0 : f.endsWith('.json') ? 1 : 2);
  for (const file of files.sort((x, y) => rank(x) - rank(y))) fs.rmSync(path.join(dir, file), { force: true });
}
