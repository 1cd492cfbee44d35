import * as fs from 'fs';
import * as path from 'path';
import { conditionName } from './conditions';
import {
  changedShares, concatCorpora, conditionsPerUtterance, generateCorpusParts, loadCorpus, plannedUtterances, saveCorpus, type Corpus, type CorpusOptions,
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
  const parts = savedParts(opts, base, partSize);
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

/** The whole parts saved by an earlier run of the same corpus, checked to be its first utterances; refused when they are another corpus's. */
function savedParts(opts: CorpusOptions, base: string, partSize: number): Corpus[] {
  const plan = plannedUtterances(opts);
  const perUtterance = conditionsPerUtterance(opts.mode);
  const expected = settingsOfOptions(opts);
  const parts: Corpus[] = [];
  for (let k = 0; (k + 1) * partSize <= opts.count && fs.existsSync(`${partBase(base, k)}.json`); k++) {
    const part = loadCorpus(partBase(base, k));
    const entries = plan.slice(k * partSize, (k + 1) * partSize).flatMap((u) => (u.conditions === 'train' ? ['train'] : u.conditions.map(conditionName)).map((c) => `${u.text}|${voiceName(u.voice)}|${c}`));
    const same = part.utterances.length === partSize * perUtterance && settingsOfCorpus(part) === expected
      && part.utterances.every((u, i) => `${u.text}|${u.voice}|${u.condition}` === entries[i]);
    if (!same) {
      throw new Error(`${partBase(base, k)}.json holds other utterances than this corpus's (a run with other options: count of shards, voices, shares, --dereverb): remove ${path.basename(base)}.part* from ${path.dirname(base)} to start again`);
    }
    parts.push(part);
  }
  return parts;
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

/** Removes every part file of `base` (whole parts, their views, and a part a stop left half-written). */
export function removeParts(base: string): void {
  const dir = path.dirname(base);
  const name = path.basename(base).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const isPart = new RegExp(`^${name}\\.part\\d+(\\.speed-[\\d.]+)?\\.(json|f32)$`);
  for (const file of fs.readdirSync(dir).filter((f) => isPart.test(f))) fs.rmSync(path.join(dir, file), { force: true });
}
