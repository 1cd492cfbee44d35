#!/usr/bin/env node
import { loadModel, saveModel } from './io/model-file';
import { saveOnnx, type OnnxExportOptions } from './onnx/export';
import { importOnnxFile } from './onnx/import';
import * as path from 'path';
import { Sequential } from './model';
import { loadCheckpoint } from './train/checkpoint';
import { fitAsync } from './train/fit';
import { loadData, lossOf, optimizerOf, readTrainSpec, scheduleOf } from './train/spec';
import { DEFAULT_SPEECH_MODEL, Transcriber, type Decoder } from './speech/transcriber';

const USAGE = `usage:
  rnnkit export-onnx <model.json> <out.onnx> [--softmax | --log-softmax] [--no-initial-states]
  rnnkit import-onnx <in.onnx> <model.json>
  rnnkit summary <model.json>
  rnnkit train <spec.json> --out <model.json> [--checkpoint <ckpt.json>] [--resume]
  rnnkit transcribe <clip> [more ...] [--model <speech.onnx>] [--decoder grammar|beam|greedy]
      (WAV, MP3, FLAC, Ogg Vorbis/Opus; recordings over 20 s, up to 1 hour, are split at pauses)`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Options that take a value (`--out file`). */
const VALUE_OPTIONS = new Set(['--out', '--checkpoint', '--model', '--decoder']);

/**
 * Runs one CLI command; resolves to the exit code (0 ok, 1 failure, 2 usage, 130 interrupted).
 * Errors are reported in one line naming the file or argument, never with a stack trace.
 */
export async function main(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (VALUE_OPTIONS.has(rest[i]) && i + 1 < rest.length) values.set(rest[i], rest[++i]);
    else if (rest[i].startsWith('--')) flags.add(rest[i]);
    else args.push(rest[i]);
  }
  const known = new Set(['--softmax', '--log-softmax', '--no-initial-states', '--resume']);
  const unknown = [...flags].filter((f) => !known.has(f));
  try {
    if (unknown.length > 0) return usage(io, `unknown option ${unknown[0]}`);
    switch (command) {
      case 'export-onnx': {
        if (args.length !== 2) return usage(io, 'export-onnx takes a model file and an output file');
        const opts: OnnxExportOptions = {
          outputActivation: flags.has('--softmax') ? 'softmax' : flags.has('--log-softmax') ? 'log_softmax' : 'none',
          initialStateInputs: !flags.has('--no-initial-states'),
        };
        saveOnnx(loadModel(args[0]), args[1], opts);
        io.out(`wrote ${args[1]}`);
        return 0;
      }
      case 'import-onnx': {
        if (args.length !== 2) return usage(io, 'import-onnx takes an ONNX file and an output model file');
        const { model, outputActivation } = importOnnxFile(args[0]);
        saveModel(model, args[1]);
        io.out(`wrote ${args[1]}${outputActivation !== 'none' ? ` (the ONNX graph ends in ${outputActivation}, which the model file leaves out)` : ''}`);
        return 0;
      }
      case 'train': {
        if (args.length !== 1 || !values.has('--out')) return usage(io, 'train takes a spec file and --out <model.json>');
        return await train(args[0], values.get('--out')!, values.get('--checkpoint'), flags.has('--resume'), io, signal);
      }
      case 'transcribe': {
        if (args.length === 0) return usage(io, 'transcribe takes one or more audio files');
        return await transcribe(args, values.get('--model'), (values.get('--decoder') ?? 'grammar') as Decoder, io);
      }
      case 'summary': {
        if (args.length !== 1) return usage(io, 'summary takes a model file');
        io.out(loadModel(args[0]).summary());
        return 0;
      }
      default:
        return usage(io, command ? `unknown command '${command}'` : 'no command given');
    }
  } catch (err) {
    io.err(`rnnkit: ${(err as Error).message}`);
    return 1;
  }
}

async function train(specFile: string, out: string, checkpoint: string | undefined, resume: boolean, io: Io, signal?: AbortSignal): Promise<number> {
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

/**
 * Prints "file: transcript" per clip, or "file [start–end s]: transcript" per segment of a
 * recording long enough to be split; a bad clip is reported and the others still run.
 */
async function transcribe(files: string[], modelFile: string | undefined, decoder: Decoder, io: Io): Promise<number> {
  const transcriber = await Transcriber.load(modelFile ?? DEFAULT_SPEECH_MODEL, decoder);
  let failed = 0;
  try {
    for (const file of files) {
      try {
        const { segmented, segments } = await transcriber.transcribeSegments(file);
        if (!segmented) io.out(`${file}: ${segments[0].text}`);
        else if (segments.length === 0) io.out(`${file}: `); // a long recording without speech
        else for (const s of segments) io.out(`${file} [${s.start.toFixed(2)}–${s.end.toFixed(2)} s]: ${s.text}`);
      } catch (err) {
        failed++;
        io.err(`rnnkit: ${(err as Error).message}`);
      }
    }
  } finally {
    await transcriber.release();
  }
  return failed > 0 ? 1 : 0;
}

function usage(io: Io, problem: string): number {
  io.err(`rnnkit: ${problem}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  // Ctrl-C stops training at the next batch boundary, after writing the checkpoint.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  main(process.argv.slice(2), undefined, controller.signal).then((code) => {
    process.exitCode = code;
  });
}
