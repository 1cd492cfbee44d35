/**
 * Synthesises the speech corpora into data/speech/ (needs Debian's espeak-ng, flite, festival, sox, and MBROLA and
 * Pico from contrib/non-free: scripts/install-corpus-voices.sh):
 *   train: digit strings and command words from the training voices, each in a random
 *          recording condition (noise, room, microphone, telephone line; see conditions.ts);
 *   val:   the same kinds of utterances from voices never used in training, each in one of the
 *          test's recording conditions at random; picks the best epoch while training;
 *   test:  the test voices (an unseen accent and a held-out recorded speaker), every utterance
 *          in every test condition, for the reported figures (npm run eval:speech).
 * Usage: npm run speech:corpus -- [trainCount=18000] [valCount=1000] [testCount=600] [--only train|val|test] [--out data/speech]
 * (a relative --out is taken from the package root under npm run, like train:speech's --data).
 * Two shard processes share the work (2 cores); every file is written atomically.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { concatFloat32 } from '../src/core/dtype';
import { corpusShards, generateCorpus, loadCorpus, saveCorpus, type Corpus } from '../src/speech/corpus';
import { TEST_VOICES, TRAIN_VOICES, VALIDATION_VOICES } from '../src/speech/voices';
import { ScriptOptions } from './options';

// An unknown option, or --out/--only without a value, is refused instead of writing over data/speech.
const options = new ScriptOptions({ values: ['only', 'out'], flags: ['shard'], positionals: true });
const OUT = options.path('out', path.join(__dirname, '..', 'data', 'speech'));

type Kind = 'train' | 'val' | 'test';

async function shard(kind: Kind, count: number, seed: number, index: number): Promise<void> {
  const t0 = Date.now();
  const corpus = await generateCorpus({
    count, seed, mode: kind === 'train' ? 'train' : kind === 'val' ? 'one-condition' : 'every-condition',
    voices: kind === 'train' ? TRAIN_VOICES : kind === 'val' ? VALIDATION_VOICES : TEST_VOICES,
    onProgress: (done, total) => {
      if (done % 200 === 0 || done === total) {
        const s = (Date.now() - t0) / 1000;
        console.log(`${kind} shard ${index}: ${done}/${total} utterances, ${s.toFixed(0)}s, ETA ${((s / done) * (total - done)).toFixed(0)}s`);
      }
    },
  });
  saveCorpus(corpus, path.join(OUT, `${kind}.shard${index}`));
}

function merge(parts: Corpus[]): Corpus {
  const utterances = [];
  let offset = 0;
  for (const p of parts) {
    for (const u of p.utterances) utterances.push({ ...u, offset: u.offset + offset });
    offset += p.features.length;
  }
  return { featureDim: parts[0].featureDim, utterances, features: concatFloat32(parts.map((p) => p.features)) };
}

async function main(): Promise<void> {
  const positionals = options.positionals;
  if (options.flag('shard')) {
    const [kind, count, seed, index] = positionals;
    await shard(kind as Kind, Number(count), Number(seed), Number(index));
    return;
  }
  const only = options.has('only') ? options.choice('only', ['train', 'val', 'test'] as const, 'train') : undefined;
  const [trainCount, valCount, testCount] = [18000, 1000, 600].map((dflt, i) => {
    const n = Number(positionals[i] ?? dflt);
    if (!Number.isInteger(n) || n < 2) throw new Error(`utterance counts are whole numbers of at least 2 (two shards), not ${JSON.stringify(positionals[i])}`);
    return n;
  });
  fs.mkdirSync(OUT, { recursive: true });
  const kinds = only ? [only] : ['train', 'val', 'test'];
  const counts: Record<Kind, number> = { train: trainCount, val: valCount, test: testCount };
  const jobs = (['train', 'val', 'test'] as Kind[]).filter((k) => kinds.includes(k))
    .flatMap((kind) => corpusShards(kind, counts[kind]).map(({ count, seed }, index) => [kind, count, seed, index]));
  // Two at a time: one process per core.
  for (let i = 0; i < jobs.length; i += 2) {
    await Promise.all(jobs.slice(i, i + 2).map((j) => new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--shard', ...j.map(String), '--out', OUT], { execArgv: ['-r', '@swc-node/register'] });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${j.join(' ')} failed with code ${code}`))));
    })));
  }
  for (const kind of kinds) {
    const parts = [0, 1].map((i) => loadCorpus(path.join(OUT, `${kind}.shard${i}`)));
    const merged = merge(parts);
    saveCorpus(merged, path.join(OUT, kind));
    for (const i of [0, 1]) for (const ext of ['json', 'f32']) fs.rmSync(path.join(OUT, `${kind}.shard${i}.${ext}`));
    console.log(`${kind}: ${merged.utterances.length} utterances, ${(merged.features.length / merged.featureDim / 50 / 60).toFixed(1)} minutes of audio`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
