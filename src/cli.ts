#!/usr/bin/env node
import { loadModel, saveModel } from './io/model-file';
import { saveOnnx, type OnnxExportOptions } from './onnx/export';
import { importOnnxFile } from './onnx/import';
import type { Decoder, TranscriberOptions } from './speech/transcriber';
import { parseSpeeds } from './speech/speed-views';
import { consoleIo, type Io } from './cli/io';
import { demoCommand } from './cli/demo-command';
import { trainCommand } from './cli/train-command';
import { transcribeCommand } from './cli/transcribe-command';
import { notebookSetupCommand } from './cli/notebook-setup-command';
import { translateCommand } from './cli/translate-command';
import { isCommand, usageText, type Command } from './cli/usage';
import { packageVersion } from './cli/version';
import { limitsFromOptions } from './cli/limit-options';
import { MODEL_LIMIT_OPTIONS } from './limits';

export type { Io } from './cli/io';

const LIMIT_OPTIONS = Object.values(MODEL_LIMIT_OPTIONS);
/** The options with a value (`--out file`) each command reads; any other is refused, so that none is silently ignored. */
const COMMAND_VALUES: Record<string, readonly string[]> = {
  'export-onnx': LIMIT_OPTIONS,
  'import-onnx': LIMIT_OPTIONS,
  summary: LIMIT_OPTIONS,
  train: ['--out', '--checkpoint', ...LIMIT_OPTIONS],
  transcribe: ['--model', '--decoder', '--speeds'],
  demo: ['--port', '--host', '--model', '--speeds'],
  translate: ['--model', '--beam'],
};
const VALUE_OPTIONS = new Set(Object.values(COMMAND_VALUES).flat());
const HELP = new Set(['--help', '-h', 'help']);
/** The on/off options each command reads; any other is refused, so that a flag is never silently ignored. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  'export-onnx': ['--softmax', '--log-softmax', '--no-initial-states'],
  train: ['--resume'],
  transcribe: ['--dereverb'],
  demo: ['--dereverb'],
  'notebook-setup': ['--system'],
};

/**
 * Runs one CLI command; resolves to the exit code (0 ok, 1 failure, 2 usage, 130 interrupted).
 * Errors are reported in one line naming the file or argument, never with a stack trace.
 */
export async function main(argv: string[], io: Io = consoleIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (HELP.has(command)) {
    if (rest.length > 0 && !isCommand(rest[0])) return usage(io, `unknown command '${rest[0]}'`);
    return help(io, isCommand(rest[0]) ? rest[0] : undefined);
  }
  if (command === '--version') {
    io.out(packageVersion());
    return 0;
  }
  if (isCommand(command) && (rest.includes('--help') || rest.includes('-h'))) return help(io, command);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const args: string[] = [];
  let valueMissing: string | undefined; // an option that takes a value, given last without one
  for (let i = 0; i < rest.length; i++) {
    if (VALUE_OPTIONS.has(rest[i])) {
      if (i + 1 < rest.length) values.set(rest[i], rest[++i]);
      else valueMissing = rest[i];
    } else if (rest[i].startsWith('--')) flags.add(rest[i]);
    else args.push(rest[i]);
  }
  const reads = (c: string) => [...(COMMAND_FLAGS[c] ?? []), ...(COMMAND_VALUES[c] ?? [])];
  const unknown = [...flags, ...values.keys(), ...(valueMissing === undefined ? [] : [valueMissing])].filter((f) => !reads(command).includes(f));
  try {
    if (valueMissing !== undefined && reads(command).includes(valueMissing)) return usage(io, `option ${valueMissing} takes a value`, command);
    if (unknown.length > 0) {
      const elsewhere = [...new Set([...Object.keys(COMMAND_FLAGS), ...Object.keys(COMMAND_VALUES)])].filter((c) => reads(c).includes(unknown[0]));
      const whose = elsewhere.length > 1 ? `${elsewhere.slice(0, -1).join(', ')} and ${elsewhere.at(-1)}` : elsewhere[0];
      const hint = isCommand(command) && elsewhere.length > 0 ? ` for ${command} (it is an option of ${whose})` : '';
      return usage(io, `unknown option ${unknown[0]}${hint}`, command);
    }
    const limits = limitsFromOptions(values);
    switch (command) {
      case 'export-onnx': {
        if (args.length !== 2) return usage(io, 'export-onnx takes a model file and an output file', command);
        const opts: OnnxExportOptions = {
          outputActivation: flags.has('--softmax') ? 'softmax' : flags.has('--log-softmax') ? 'log_softmax' : 'none',
          initialStateInputs: !flags.has('--no-initial-states'),
        };
        saveOnnx(loadModel(args[0], limits), args[1], opts);
        io.out(`wrote ${args[1]}`);
        return 0;
      }
      case 'import-onnx': {
        if (args.length !== 2) return usage(io, 'import-onnx takes an ONNX file and an output model file', command);
        const { model, outputActivation } = importOnnxFile(args[0], limits);
        saveModel(model, args[1]);
        io.out(`wrote ${args[1]}${outputActivation !== 'none' ? ` (the ONNX graph ends in ${outputActivation}, which the model file leaves out)` : ''}`);
        return 0;
      }
      case 'train': {
        if (args.length !== 1 || !values.has('--out')) return usage(io, 'train takes a spec file and --out <model.json>', command);
        return await trainCommand({ specFile: args[0], out: values.get('--out')!, checkpoint: values.get('--checkpoint'), resume: flags.has('--resume'), limits }, io, signal);
      }
      case 'transcribe': {
        if (args.length === 0) return usage(io, 'transcribe takes one or more audio files', command);
        return await transcribeCommand(args, values.get('--model'), (values.get('--decoder') ?? 'grammar') as Decoder, io, transcriberOptions(values, flags));
      }
      case 'demo': {
        if (args.length !== 0) return usage(io, 'demo takes no arguments, only options', command);
        return await demoCommand({ port: values.get('--port'), host: values.get('--host'), model: values.get('--model'), ...transcriberOptions(values, flags) }, io, signal);
      }
      case 'notebook-setup': {
        if (args.length !== 0) return usage(io, 'notebook-setup takes no arguments', command);
        return notebookSetupCommand(flags.has('--system'), io);
      }
      case 'translate': {
        if (args.length === 0) return usage(io, 'translate takes one or more English texts', command);
        return translateCommand(args, values.get('--model'), values.get('--beam'), io);
      }
      case 'summary': {
        if (args.length !== 1) return usage(io, 'summary takes a model file', command);
        io.out(loadModel(args[0], limits).summary());
        return 0;
      }
      default:
        return usage(io, !command ? 'no command given' : command.startsWith('-') ? `unknown option ${command}` : `unknown command '${command}'`);
    }
  } catch (err) {
    io.err(`rnnkit: ${(err as Error).message}`);
    return 1;
  }
}

/** A usage error: the problem, then the usage of the command it concerns (of all, when unknown). */
function usage(io: Io, problem: string, command?: string): number {
  io.err(`rnnkit: ${problem}\n${usageText(isCommand(command) ? command : undefined)}`);
  return 2;
}

function help(io: Io, command?: Command): number {
  io.out(usageText(command));
  return 0;
}

if (require.main === module) {
  // Ctrl-C stops training at the next batch boundary, after writing the checkpoint.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  main(process.argv.slice(2), undefined, controller.signal).then((code) => {
    process.exitCode = code;
  });
}

/** How transcribe and demo hear a clip: --dereverb, --speeds (speed views; the transcriber's default unless given). */
function transcriberOptions(values: Map<string, string>, flags: Set<string>): TranscriberOptions {
  const speeds = values.get('--speeds');
  return { dereverberate: flags.has('--dereverb'), ...(speeds === undefined ? {} : { speeds: parseSpeeds(speeds) }) };
}
