/** The `rnnkit` command's usage texts: all commands (`rnnkit --help`) or one (`rnnkit <command> --help`). */
import { DEFAULT_DEMO_HOST, DEFAULT_DEMO_PORT } from './demo-command';

export const COMMAND_USAGE = {
  'export-onnx': 'rnnkit export-onnx <model.json> <out.onnx> [--softmax | --log-softmax] [--no-initial-states]',
  'import-onnx': 'rnnkit import-onnx <in.onnx> <model.json>',
  'notebook-setup': 'rnnkit notebook-setup [--system]\n'
    + '      (registers the Jupyter kernel "TypeScript (rnnkit)" for this user, --system for all users: notebooks in\n'
    + '      any folder import \'rnnkit\' and \'rnnkit/notebook\' from this rnnkit; needs Jupyter and tslab)',
  summary: 'rnnkit summary <model.json>',
  demo: 'rnnkit demo [--port <n>] [--host <address>] [--model <speech.onnx>] [--dereverb] [--speeds 1,0.9,1.1]\n'
    + `      (a web page at http://${DEFAULT_DEMO_HOST}:${DEFAULT_DEMO_PORT}/ to speak to the transcriber or drop an audio file on;\n`
    + '      port 0 takes any free port; --host 0.0.0.0 opens it to the network)',
  train: 'rnnkit train <spec.json> --out <model.json> [--checkpoint <ckpt.json>] [--resume]',
  transcribe: 'rnnkit transcribe <clip> [more ...] [--model <speech.onnx>] [--decoder grammar|beam|greedy] [--dereverb] [--speeds 1,0.9,1.1]\n'
    + '      (WAV, MP3, FLAC, Ogg Vorbis/Opus; recordings over 20 s, up to 1 hour, are split at pauses;\n'
    + '      --dereverb removes late reverberation first, for recordings in reverberant rooms; --speeds: the speeds\n'
    + '      each clip is read at, judged together; 1 among them (default 1,0.9,1.1; --speeds 1 is a third of the work))',
  translate: 'rnnkit translate "<English text>" [more ...] [--model <translator.safetensors>] [--beam <width, 1 = greedy, default 5>]\n'
    + '      (English to Spanish, one line per text; the model is trained on Brown sentences translated by Apertium)',
} as const;

export type Command = keyof typeof COMMAND_USAGE;

export function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMAND_USAGE, name);
}

const GENERAL = [
  'rnnkit --help | -h | help [<command>]', 'rnnkit --version', 'rnnkit <command> --help',
  'model limits (files claiming more are refused before anything is allocated; raise them for larger models):',
  '    --max-width <n> (hidden sizes, default 8192)  --max-vocab <n> (vocabulary, dense units, default 1048576)',
  '    --max-layers <n> (default 256)  --max-parameters <n> (default 250000000)',
];

/** Usage of one command, or of them all. */
export function usageText(command?: Command): string {
  const lines = command ? [COMMAND_USAGE[command]] : [...Object.values(COMMAND_USAGE), ...GENERAL];
  return `usage:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
