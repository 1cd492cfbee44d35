#!/usr/bin/env node
import { loadModel, saveModel } from './io/model-file';
import { saveOnnx, type OnnxExportOptions } from './onnx/export';
import { importOnnxFile } from './onnx/import';

const USAGE = `usage:
  rnnkit export-onnx <model.json> <out.onnx> [--softmax | --log-softmax] [--no-initial-states]
  rnnkit import-onnx <in.onnx> <model.json>
  rnnkit summary <model.json>`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage). Errors never show a stack trace. */
export function main(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): number {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const args = rest.filter((a) => !a.startsWith('--'));
  const known = new Set(['--softmax', '--log-softmax', '--no-initial-states']);
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

function usage(io: Io, problem: string): number {
  io.err(`rnnkit: ${problem}\n${USAGE}`);
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
