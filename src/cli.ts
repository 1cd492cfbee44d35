#!/usr/bin/env node
import { loadModel, saveModel } from './io/model-file';
import { saveOnnx, type OnnxExportOptions } from './onnx/export';
import { importOnnxFile } from './onnx/import';
import type { Decoder } from './speech/transcriber';
import { consoleIo, type Io } from './cli/io';
import { trainCommand } from './cli/train-command';
import { transcribeCommand } from './cli/transcribe-command';
import { limitsFromOptions } from './cli/limit-options';
import { MODEL_LIMIT_OPTIONS } from './limits';

export type { Io } from './cli/io';

const USAGE = `usage:
  rnnkit export-onnx <model.json> <out.onnx> [--softmax | --log-softmax] [--no-initial-states]
  rnnkit import-onnx <in.onnx> <model.json>
  rnnkit summary <model.json>
  rnnkit train <spec.json> --out <model.json> [--checkpoint <ckpt.json>] [--resume]
  rnnkit transcribe <clip> [more ...] [--model <speech.onnx>] [--decoder grammar|beam|greedy]
      (WAV, MP3, FLAC, Ogg Vorbis/Opus; recordings over 20 s, up to 1 hour, are split at pauses)
  model limits (files claiming more are refused before anything is allocated; raise them for larger models):
      --max-width <n> (hidden sizes, default 8192)  --max-vocab <n> (vocabulary, dense units, default 1048576)
      --max-layers <n> (default 256)  --max-parameters <n> (default 250000000)`;

/** Options that take a value (`--out file`). */
const VALUE_OPTIONS = new Set(['--out', '--checkpoint', '--model', '--decoder', ...Object.values(MODEL_LIMIT_OPTIONS)]);

/**
 * Runs one CLI command; resolves to the exit code (0 ok, 1 failure, 2 usage, 130 interrupted).
 * Errors are reported in one line naming the file or argument, never with a stack trace.
 */
export async function main(argv: string[], io: Io = consoleIo, signal?: AbortSignal): Promise<number> {
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
    const limits = limitsFromOptions(values);
    switch (command) {
      case 'export-onnx': {
        if (args.length !== 2) return usage(io, 'export-onnx takes a model file and an output file');
        const opts: OnnxExportOptions = {
          outputActivation: flags.has('--softmax') ? 'softmax' : flags.has('--log-softmax') ? 'log_softmax' : 'none',
          initialStateInputs: !flags.has('--no-initial-states'),
        };
        saveOnnx(loadModel(args[0], limits), args[1], opts);
        io.out(`wrote ${args[1]}`);
        return 0;
      }
      case 'import-onnx': {
        if (args.length !== 2) return usage(io, 'import-onnx takes an ONNX file and an output model file');
        const { model, outputActivation } = importOnnxFile(args[0], limits);
        saveModel(model, args[1]);
        io.out(`wrote ${args[1]}${outputActivation !== 'none' ? ` (the ONNX graph ends in ${outputActivation}, which the model file leaves out)` : ''}`);
        return 0;
      }
      case 'train': {
        if (args.length !== 1 || !values.has('--out')) return usage(io, 'train takes a spec file and --out <model.json>');
        return await trainCommand({ specFile: args[0], out: values.get('--out')!, checkpoint: values.get('--checkpoint'), resume: flags.has('--resume'), limits }, io, signal);
      }
      case 'transcribe': {
        if (args.length === 0) return usage(io, 'transcribe takes one or more audio files');
        return await transcribeCommand(args, values.get('--model'), (values.get('--decoder') ?? 'grammar') as Decoder, io);
      }
      case 'summary': {
        if (args.length !== 1) return usage(io, 'summary takes a model file');
        io.out(loadModel(args[0], limits).summary());
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
