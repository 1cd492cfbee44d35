import * as fs from 'fs';
import * as path from 'path';
import { loadModel, saveModel, Sequential } from '../src';
import { OnnxModel } from '../src/onnx/onnx-model';
import { randomSeq } from './helpers/data';
import { runCli } from './helpers/cli';
import { maxAbsDiff } from './helpers/compare';
import { tempDir } from './helpers/temp-dir';
import { COMMAND_USAGE } from '../src/cli/usage';
import { saveEnsembleOnnx } from '../src/onnx/ensemble';
import { importOnnxFile, OnnxImportError } from '../src/onnx/import';

const tmp = tempDir('rnnkit-cli-');

describe('rnnkit CLI', () => {
  const modelFile = path.join(tmp, 'model.json');
  const model = new Sequential({ inputFeatures: 3, seed: 2, layers: [{ type: 'gru', hiddenSize: 5, bidirectional: true }, { type: 'dense', units: 2 }] });
  saveModel(model, modelFile);

  it('export-onnx writes a file that onnxruntime runs like the engine', async () => {
    const onnxFile = path.join(tmp, 'model.onnx');
    const r = await runCli('export-onnx', modelFile, onnxFile);
    expect(r).toEqual({ code: 0, out: [`wrote ${onnxFile}`], err: [] });
    const session = await OnnxModel.load(onnxFile);
    const x = randomSeq('float32', 2, 6, 3);
    const got = await session.run(x, { lengths: [6, 4] });
    const want = model.predict(x, [6, 4]).data;
    expect(maxAbsDiff(got.output.data, want)).toBeLessThan(1e-5);
    await session.release();
  });

  it('import-onnx turns an ONNX file back into the same model', async () => {
    const onnxFile = path.join(tmp, 'model2.onnx');
    const back = path.join(tmp, 'back.json');
    expect((await runCli('export-onnx', modelFile, onnxFile, '--softmax')).code).toBe(0);
    const r = await runCli('import-onnx', onnxFile, back);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/ends in softmax/);
    expect(loadModel(back).getWeights()).toEqual(model.getWeights());
  });

  it('import-onnx refuses an ensemble file, naming its members and what to load instead', async () => {
    const ensembleFile = path.join(tmp, 'ensemble.onnx');
    const back = path.join(tmp, 'never.json');
    saveEnsembleOnnx([model, model, model], ensembleFile);
    const r = await runCli('import-onnx', ensembleFile, back);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^rnnkit: .*ensemble\.onnx is a 3-member ensemble .*load each member's own model file instead .*models\/speech\.json/)]);
    expect(fs.existsSync(back)).toBe(false);
    expect(() => importOnnxFile(ensembleFile)).toThrow(OnnxImportError);
    // the shipped model is an ensemble too
    expect((await runCli('import-onnx', path.join(__dirname, '..', 'models', 'speech.onnx'), back)).err[0]).toMatch(/is a 4-member ensemble/);
  });

  it('summary prints layers and parameter counts', async () => {
    const r = await runCli('summary', modelFile);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/0 +gru \(bidirectional\) +3 -> 10 +300 params/);
    expect(r.out[0]).toMatch(/total 322 params, float32/);
  });

  it('reports problems in one line with the file name, and leaves no output behind', async () => {
    const missing = path.join(tmp, 'nope.json');
    const target = path.join(tmp, 'never.onnx');
    const r = await runCli('export-onnx', missing, target);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`rnnkit: ${missing}: cannot read: ENOENT`]);
    expect(fs.existsSync(target)).toBe(false);
    expect((await runCli('frobnicate')).code).toBe(2);
    expect((await runCli('export-onnx', modelFile)).err[0]).toMatch(/takes a model file and an output file/);
    expect((await runCli('export-onnx', modelFile, target, '--fast')).err[0]).toMatch(/unknown option --fast/);
  });

  it('--help, -h and help print the usage of every command to stdout and exit 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await runCli(flag);
      expect(r).toEqual({ code: 0, out: [expect.stringMatching(/^usage:\n/)], err: [] });
      for (const line of Object.values(COMMAND_USAGE)) expect(r.out[0]).toContain(line);
    }
  });

  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(await runCli('--version')).toEqual({ code: 0, out: [version], err: [] });
  });

  it('each command has --help (and help <command>): its own usage only, exit 0', async () => {
    for (const [command, line] of Object.entries(COMMAND_USAGE)) {
      const want = { code: 0, out: [`usage:\n  ${line}`], err: [] };
      expect(await runCli(command, '--help')).toEqual(want);
      expect(await runCli(command, modelFile, '-h')).toEqual(want);
      expect(await runCli('help', command)).toEqual(want);
    }
  });

  it('unknown options and commands still exit 2 with the problem named first', async () => {
    for (const argv of [['--verbose'], ['-x'], ['help', 'frobnicate'], ['summary', modelFile, '--verbose']]) {
      const r = await runCli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err[0].split('\n')[0]).toBe(`rnnkit: unknown ${argv[0] === 'help' ? "command 'frobnicate'" : `option ${argv.at(-1)}`}`);
    }
    // an on/off option of another command is refused, not ignored, and the message says whose it is
    const r = await runCli('summary', modelFile, '--dereverb');
    expect([r.code, r.err[0].split('\n')[0]]).toEqual([2, 'rnnkit: unknown option --dereverb for summary (it is an option of transcribe and demo)']);
    expect((await runCli('train', 'spec.json', '--out', 'x.json', '--softmax')).err[0].split('\n')[0]).toBe('rnnkit: unknown option --softmax for train (it is an option of export-onnx)');
    // so is an option with a value that the command does not read (it took the value with it)
    const speeds = await runCli('translate', 'hello', '--speeds', '1');
    expect([speeds.code, speeds.err[0].split('\n')[0]]).toEqual([2, 'rnnkit: unknown option --speeds for translate (it is an option of transcribe and demo)']);
    expect((await runCli('summary', modelFile, '--model', 'x.onnx')).err[0].split('\n')[0]).toBe('rnnkit: unknown option --model for summary (it is an option of transcribe, demo and translate)');
    // an option that takes a value, given last without one, is refused (not dropped)
    for (const [argv, option] of [[['train', 'spec.json', '--out', 'm.json', '--checkpoint'], '--checkpoint'], [['transcribe', 'a.wav', '--speeds'], '--speeds'], [['translate', 'hi', '--beam'], '--beam']] as const) {
      const missing = await runCli(...argv);
      expect([missing.code, missing.out, missing.err[0].split('\n')[0]]).toEqual([2, [], `rnnkit: option ${option} takes a value`]);
    }
    // a usage error of a command shows that command's usage
    expect((await runCli('summary')).err).toEqual([`rnnkit: summary takes a model file\nusage:\n  ${COMMAND_USAGE.summary}`]);
  });
});
