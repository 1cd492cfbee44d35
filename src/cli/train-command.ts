import * as path from 'path';
import { saveModel } from '../io/model-file';
import { Sequential } from '../model';
import { loadCheckpoint } from '../train/checkpoint';
import { fitAsync } from '../train/fit';
import type { Io } from './io';
import { loadData, lossOf, optimizerOf, readTrainSpec, scheduleOf } from './train-spec';

/** `rnnkit train`: fits the model a spec file describes; 130 when interrupted (checkpoint written if asked for). */
export async function trainCommand(specFile: string, out: string, checkpoint: string | undefined, resume: boolean, io: Io, signal?: AbortSignal): Promise<number> {
  const spec = readTrainSpec(specFile);
  const dir = path.dirname(path.resolve(specFile));
  if (resume && !checkpoint) throw new Error('--resume needs --checkpoint <file>');
  const restored = resume ? loadCheckpoint(checkpoint!) : null;
  const model = restored?.model ?? new Sequential(spec.model);
  const optimizer = optimizerOf(spec);
  const history = await fitAsync(model, loadData(spec.data, spec, dir), {
    loss: lossOf(spec), optimizer, schedule: scheduleOf(spec, optimizer.lr), epochs: spec.epochs, batchSize: spec.batchSize,
    clipNorm: spec.clipNorm, clipValue: spec.clipValue, tbptt: spec.tbptt, earlyStopping: spec.earlyStopping, seed: spec.seed,
    validation: spec.validation ? loadData(spec.validation, spec, dir) : undefined,
    checkpoint: checkpoint ? { path: checkpoint } : undefined, resumeFrom: restored?.state, log: io.out, signal,
  });
  if (history.interrupted) {
    io.err(checkpoint ? `rnnkit: interrupted; continue with --resume --checkpoint ${checkpoint}` : 'rnnkit: interrupted (no --checkpoint given, progress not saved)');
    return 130;
  }
  saveModel(model, out);
  io.out(`wrote ${out}`);
  return 0;
}
