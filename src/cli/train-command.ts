import * as path from 'path';
import { lockFile, type FileLock } from '../io/file-lock';
import { saveModel } from '../io/model-file';
import { checkWritable } from '../io/writable';
import type { ModelLimits } from '../limits';
import { Sequential } from '../model';
import { loadCheckpoint } from '../train/checkpoint';
import { fitAsync } from '../train/fit';
import type { Io } from './io';
import { checkResumeMatches, resumeIdentity } from './resume-check';
import { loadData, lossOf, optimizerOf, readTrainSpec, scheduleOf } from './train-spec';

export interface TrainArgs {
  specFile: string;
  out: string;
  checkpoint?: string;
  resume: boolean;
  limits?: Partial<ModelLimits>;
}

/**
 * `rnnkit train`: fits the model a spec file describes; 130 when interrupted (checkpoint written if asked for).
 * Everything that can be checked is checked before the first epoch (the spec, that the outputs can be
 * written, that no other run writes them, that a resumed checkpoint belongs to this spec).
 */
export async function trainCommand(args: TrainArgs, io: Io, signal?: AbortSignal): Promise<number> {
  const { specFile, out, checkpoint, resume } = args;
  const spec = readTrainSpec(specFile, args.limits);
  if (resume && !checkpoint) throw new Error('--resume needs --checkpoint <file>');
  if (checkpoint && path.resolve(checkpoint) === path.resolve(out)) throw new Error('--out and --checkpoint must be different files');
  checkWritable(out, '--out');
  if (checkpoint) checkWritable(checkpoint, '--checkpoint');
  const locks: FileLock[] = [];
  try {
    for (const target of checkpoint ? [out, checkpoint] : [out]) locks.push(lockFile(target, io.err));
    return await train(args, spec, io, signal);
  } finally {
    for (const lock of locks) lock.release();
  }
}

async function train(args: TrainArgs, spec: ReturnType<typeof readTrainSpec>, io: Io, signal?: AbortSignal): Promise<number> {
  const { specFile, out, checkpoint, resume } = args;
  const dir = path.dirname(path.resolve(specFile));
  const restored = resume ? loadCheckpoint(checkpoint!, args.limits) : null;
  if (restored) checkResumeMatches(checkpoint!, restored, spec, specFile);
  const model = restored?.model ?? new Sequential(spec.model);
  const optimizer = optimizerOf(spec);
  const history = await fitAsync(model, loadData(spec.data, spec, dir), {
    loss: lossOf(spec), optimizer, schedule: scheduleOf(spec, optimizer.lr), epochs: spec.epochs, batchSize: spec.batchSize,
    clipNorm: spec.clipNorm, clipValue: spec.clipValue, tbptt: spec.tbptt, earlyStopping: spec.earlyStopping, seed: spec.seed,
    validation: spec.validation ? loadData(spec.validation, spec, dir) : undefined,
    checkpoint: checkpoint ? { path: checkpoint, spec: resumeIdentity(spec) } : undefined, resumeFrom: restored?.state, log: io.out, signal,
  });
  if (history.interrupted) {
    io.err(checkpoint ? `rnnkit: interrupted; continue with --resume --checkpoint ${checkpoint}` : 'rnnkit: interrupted (no --checkpoint given, progress not saved)');
    return 130;
  }
  saveModel(model, out);
  io.out(`wrote ${out}`);
  return 0;
}
