/**
 * Synthesises the speech corpora into data/speech/ (needs Debian's espeak-ng, flite, festival, sox, and MBROLA and
 * Pico from contrib/non-free: scripts/install-corpus-voices.sh):
 *   train: digit strings and command words from the training voices, each in a random
 *          recording condition (noise, room, microphone, telephone line; see conditions.ts);
 *   val:   the same kinds of utterances from voices never used in training, each in one of the
 *          test's recording conditions at random; picks the best epoch while training;
 *   test:  the test voices (an unseen accent and a held-out recorded speaker), every utterance
 *          in every test condition, for the reported figures (npm run eval:speech).
 * Validation and test also store their features read at the transcriber's other speed views
 * (speed-views.ts: `val.speed-0.9`, `val.speed-1.1`, ...), which eval:speech judges with as transcribe does.
 * Usage: npm run speech:corpus -- [trainCount=18000] [valCount=3000] [testCount=600] (CORPUS_SETUP) [--only train|val|test] [--out data/speech] [--dereverb] [--vocoded SHARE] [--rooms SHARE] [--part-size 500]
 * (--dereverb: validation and test features through WPE, as transcribe --dereverb hears them; training features never)
 * (--vocoded SHARE: that share of the training utterances through the vocoder, vocoder.ts; --rooms SHARE: that share recorded in a
 * room, 0.35 by default; the shipped members were fine-tuned last on a corpus of --vocoded 0.25, then twice on one of
 * --vocoded 0.25 --rooms 0.6: README)
 * (a relative --out is taken from the package root under npm run, like train:speech's --data).
 * Two shard processes share the work (2 cores); every file is written atomically. Each shard saves its utterances in
 * parts of 500 as it goes (`train.shard0.part3`, ...): stopped, the same command resumes after the last whole part.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { concatCorpora, CORPUS_KINDS, CORPUS_SETUP, corpusShards, DEFAULT_TRAINING_SHARES, loadCorpus, removeCorpus, saveCorpus, type CorpusKind } from '../src/speech/corpus';
import { CORPUS_PART_SIZE, makeCorpusInParts } from '../src/speech/corpus-parts';
import { SPEED_VIEWS } from '../src/speech/speed-views';
import { ScriptOptions } from './options';

// An unknown option, or --out/--only without a value, is refused instead of writing over data/speech.
const options = new ScriptOptions({ values: ['only', 'out', 'vocoded', 'rooms', 'part-size'], flags: ['shard', 'dereverb'], positionals: true });
const OUT = options.path('out', path.join(__dirname, '..', 'data', 'speech'));
/** Utterances per saved part of a shard (what a stopped run can lose). */
const PART_SIZE = options.number('part-size', CORPUS_PART_SIZE, { whole: true });
const DEREVERB = options.flag('dereverb');
/** The training corpus's shares each option sets (the default corpus's unless given), and what the share is of. */
const SHARE_OPTIONS = [
  { option: 'vocoded', share: 'vocodedRate', what: 'to vocode' },
  { option: 'rooms', share: 'roomRate', what: 'recorded in a room' },
] as const;
const SHARES = Object.fromEntries(SHARE_OPTIONS.map(({ option, share }) => [share, options.number(option, DEFAULT_TRAINING_SHARES[share])])) as Record<keyof typeof DEFAULT_TRAINING_SHARES, number>;

async function shard(kind: CorpusKind, count: number, seed: number, index: number, partSize: number): Promise<void> {
  const t0 = Date.now();
  let resumedAt: number | undefined; // utterances already made when this run started
  await makeCorpusInParts({
    count, seed, mode: CORPUS_SETUP[kind].mode, voices: CORPUS_SETUP[kind].voices, dereverberate: DEREVERB,
    ...(kind === 'train' ? SHARES : {}),
    viewSpeeds: kind === 'train' ? [] : SPEED_VIEWS.filter((speed) => speed !== 1),
    onProgress: (done, total) => {
      resumedAt ??= done - 1;
      if (done % 200 === 0 || done === total) {
        const s = (Date.now() - t0) / 1000;
        console.log(`${kind} shard ${index}: ${done}/${total} utterances, ${s.toFixed(0)}s, ETA ${((s / (done - resumedAt)) * (total - done)).toFixed(0)}s`);
      }
    },
  }, path.join(OUT, `${kind}.shard${index}`), partSize, (line) => console.log(`${kind} shard ${index}: ${line}`));
}

async function main(): Promise<void> {
  const positionals = options.positionals;
  if (options.flag('shard')) {
    const [kind, count, seed, index] = positionals;
    await shard(kind as CorpusKind, Number(count), Number(seed), Number(index), PART_SIZE);
    return;
  }
  const only = options.has('only') ? options.choice('only', CORPUS_KINDS, 'train') : undefined;
  if (PART_SIZE < 1) throw new Error(`--part-size takes the utterances of a saved part, at least 1, not ${PART_SIZE}`);
  // WPE corpora are for measuring transcribe --dereverb: kept apart from data/speech, whose val and test figures are the shipped ones.
  if (DEREVERB && !options.has('out')) throw new Error('--dereverb writes validation and test features through WPE: give it an --out folder of its own, not data/speech');
  if (DEREVERB && only === 'train') throw new Error('--dereverb changes validation and test features only (training features never go through WPE): not with --only train');
  // Like WPE corpora, training corpora of other shares go elsewhere: data/speech keeps the default one (README's recipe makes each).
  for (const { option, share, what } of SHARE_OPTIONS) {
    const value = SHARES[share];
    if (!(value >= 0 && value <= 1)) throw new Error(`--${option} takes the share of training utterances ${what}, 0 to 1, not ${value}`);
    if (value === DEFAULT_TRAINING_SHARES[share]) continue;
    if (!options.has('out')) throw new Error(`--${option} makes another training corpus than the default one: give it an --out folder of its own, not data/speech`);
    if (only !== undefined && only !== 'train') throw new Error(`--${option} changes training utterances only: not with --only ${only}`);
  }
  const counts = Object.fromEntries(CORPUS_KINDS.map((kind, i) => {
    const n = Number(positionals[i] ?? CORPUS_SETUP[kind].count);
    if (!Number.isInteger(n) || n < 2) throw new Error(`utterance counts are whole numbers of at least 2 (two shards), not ${JSON.stringify(positionals[i])}`);
    return [kind, n];
  })) as Record<CorpusKind, number>;
  fs.mkdirSync(OUT, { recursive: true });
  const kinds = only ? [only] : CORPUS_KINDS;
  const jobs = kinds.flatMap((kind) => corpusShards(kind, counts[kind]).map(({ count, seed }, index) => [kind, count, seed, index]));
  // Two at a time: one process per core.
  for (let i = 0; i < jobs.length; i += 2) {
    await Promise.all(jobs.slice(i, i + 2).map((j) => new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--shard', ...j.map(String), '--out', OUT, '--part-size', String(PART_SIZE), ...(DEREVERB ? ['--dereverb'] : []), ...SHARE_OPTIONS.flatMap(({ option, share }) => [`--${option}`, String(SHARES[share])])], { execArgv: ['-r', '@swc-node/register'] });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${j.join(' ')} failed with code ${code}`))));
    })));
  }
  for (const kind of kinds) {
    const parts = [0, 1].map((i) => loadCorpus(path.join(OUT, `${kind}.shard${i}`)));
    const merged = concatCorpora(parts);
    saveCorpus(merged, path.join(OUT, kind));
    for (const i of [0, 1]) removeCorpus(path.join(OUT, `${kind}.shard${i}`));
    console.log(`${kind}: ${merged.utterances.length} utterances, ${(merged.features.length / merged.featureDim / 50 / 60).toFixed(1)} minutes of audio`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
