/**
 * What the language-model training scripts share: command-line options, a checkpoint at every
 * evaluation (the model file plus optimizer and sampling state) and --resume from it.
 */
import { existsSync } from 'node:fs';
import { adam, cosineLR, nlp, writeFileAtomic, type Schedule } from '../src';
import { readJson } from '../src/io/read-file';
import { formatDuration } from '../src/train/progress';
import { ScriptOptions, type OptionDeclaration } from './options';

/** The options every language-model script takes (see architectureArgs and runArgs), plus `extra`. */
export function lmOptions(extra: OptionDeclaration = {}): ScriptOptions {
  return new ScriptOptions({
    values: ['embed', 'hidden', 'layers', 'dropout', 'out', 'steps', 'lr', 'batch', 'seq', ...(extra.values ?? [])],
    flags: ['resume', 'restart', ...(extra.flags ?? [])],
  });
}

/** The network from --embed, --hidden, --layers and --dropout (an LSTM), with these defaults. */
export function architectureArgs(options: ScriptOptions, defaults: { embed: number; hidden: number; layers: number; dropout: number }) {
  return {
    cell: 'lstm' as const,
    embeddingDim: options.number('embed', defaults.embed, { whole: true }),
    hiddenSize: options.number('hidden', defaults.hidden, { whole: true }),
    layers: options.number('layers', defaults.layers, { whole: true }),
    dropout: options.number('dropout', defaults.dropout),
    seed: 1,
  };
}

/** The run from --out, --steps, --lr, --batch, --seq, --resume and --restart, with these defaults. */
export function runArgs(options: ScriptOptions, defaults: { out: string; steps: number; lr: number; batch: number; seq: number }) {
  return {
    out: options.string('out', defaults.out),
    steps: options.number('steps', defaults.steps, { whole: true }),
    lr: options.number('lr', defaults.lr),
    batchSize: options.number('batch', defaults.batch, { whole: true }),
    seqLength: options.number('seq', defaults.seq, { whole: true }),
    resume: options.flag('resume'),
    restart: options.flag('restart'),
  };
}

/** `schedule` over the share of `minutes` elapsed since `t0` (0 to 1) rather than over steps. */
function byTime(schedule: Schedule, t0: number, minutes: number): Schedule {
  return () => schedule(Math.min(1, (Date.now() - t0) / 60000 / minutes));
}

export interface LMScriptOptions<M extends nlp.RecurrentLanguageModel> {
  /** The fresh model; `load` reads one back from a model file. */
  lm: M;
  load: (file: string) => M;
  save: (lm: M, file: string, info: Record<string, unknown>) => void;
  trainIds: Int32Array;
  validIds: Int32Array;
  /** Written into the model file with the step and the validation figure. */
  info: Record<string, unknown>;
  /** The validation figure as it goes into the file, from bits per symbol (e.g. { validBpc }). */
  figure: (bits: number) => Record<string, unknown>;
  out: string;
  steps: number;
  lr: number;
  batchSize: number;
  seqLength: number;
  /** Continue from the checkpoint beside `out` when there is one; `restart`: with the cosine from `lr` again over the steps left. */
  resume: boolean;
  restart: boolean;
  evalEvery: number;
  /**
   * Keep in `out` the model of the best validation figure so far (the latest goes to `out`.last
   * for --resume); without it `out` is always the latest model.
   */
  keepBest?: boolean;
  /**
   * A wall-clock budget: the learning rate follows the cosine over the elapsed share of these minutes
   * instead of over the steps (so a busy machine still ends at the small rate), and training stops at
   * the first evaluation after them.
   */
  minutes?: number;
}

export function runLMTraining<M extends nlp.RecurrentLanguageModel>(o: LMScriptOptions<M>): void {
  const latest = o.keepBest ? o.out.replace(/(\.\w+)?$/, '.last$1') : o.out;
  const checkpoint = `${o.out}.checkpoint.json`;
  const optimizer = adam({ lr: o.lr });
  let lm = o.lm;
  let startStep = 0;
  let best = Infinity;
  if (o.resume && existsSync(checkpoint)) {
    const state = readJson(checkpoint, (p) => new Error(`${checkpoint}: ${p}`)) as { step: number; rng: number[]; optimizer: ReturnType<typeof optimizer.getState>; best?: number };
    lm = o.load(latest);
    optimizer.setState(state.optimizer);
    lm.rng.setState(state.rng);
    startStep = state.step;
    best = state.best ?? Infinity;
    console.log(`resuming at step ${startStep}`);
  }
  // --restart (with --resume): a warm restart, the cosine from --lr again over the steps still to go.
  const warmRestart = startStep > 0 && o.restart;
  const restart = cosineLR(o.lr, o.steps - startStep, o.lr / 30);
  console.log(`training ${lm.model.parameterCount()} parameters on ${o.trainIds.length} symbols, vocabulary ${lm.vocab.size}`);
  const t0 = Date.now();
  const history = lm.train(o.trainIds, {
    steps: o.steps,
    batchSize: o.batchSize,
    seqLength: o.seqLength,
    optimizer,
    startStep,
    schedule: o.minutes !== undefined ? byTime(cosineLR(o.lr, 1, o.lr / 30), t0, o.minutes) : warmRestart ? (s) => restart(s - startStep) : cosineLR(o.lr, o.steps, o.lr / 30),
    clipNorm: 1,
    validIds: o.validIds,
    evalEvery: o.evalEvery,
    onEval: (step, h) => {
      const validBits = h.validBpc[h.validBpc.length - 1];
      const info = { ...o.info, steps: step, ...o.figure(validBits), seconds: Math.round((Date.now() - t0) / 1000) };
      o.save(lm, latest, info);
      if (o.keepBest && validBits < best) {
        best = validBits;
        o.save(lm, o.out, info);
        console.log(`  best so far: written to ${o.out}`);
      }
      writeFileAtomic(checkpoint, JSON.stringify({ step, rng: lm.rng.getState(), optimizer: optimizer.getState(), best }));
      if (o.minutes !== undefined) {
        const left = o.minutes * 60 - (Date.now() - t0) / 1000;
        if (left <= 0) {
          console.log(`stopping: the ${o.minutes}-minute budget is spent`);
          return 'stop';
        }
        // The step ETA above counts to --steps; with a budget the end comes first.
        console.log(`  ETA ${formatDuration(left)} (the ${o.minutes}-minute budget)`);
      }
    },
  });
  console.log(`done in ${history.seconds.toFixed(0)} s`);
}
