import * as fs from 'fs';
import * as path from 'path';
import { fit, mse, Sequential } from '../src';
import { checkModelConfig } from '../src/model-check';
import { loadCheckpoint } from '../src/train/checkpoint';
import { runCli } from './helpers/cli';
import { tempDir } from './helpers/temp-dir';
import { editCheckpoint, type EditableCheckpoint } from './helpers/checkpoint-edit';

const tmp = tempDir('rnnkit-spec-');

/** A small, fast training spec; `change` edits a copy. */
function specFile(name: string, change: (spec: Record<string, any>) => void = () => undefined): string {
  const spec: Record<string, any> = {
    model: { inputFeatures: 2, seed: 3, layers: [{ type: 'gru', hiddenSize: 8, returnSequences: false }, { type: 'dense', units: 1 }] },
    data: { task: 'adding', sequences: 64, time: 10, seed: 1 },
    loss: 'mse', optimizer: { name: 'adam', lr: 0.01 }, epochs: 2, batchSize: 16, clipNorm: 1,
  };
  change(spec);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

const out = (name: string) => path.join(tmp, name);

describe('training specs are checked field by field before training', () => {
  // Each row: what the spec says, and the error naming the field (the cases first).
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['batchSize 0 (used to hang)', (s) => (s.batchSize = 0), /batchSize: must be a positive integer, got 0$/],
    ['negative batchSize', (s) => (s.batchSize = -4), /batchSize: must be a positive integer, got -4$/],
    ['clipNorm -1 (used to train uphill)', (s) => (s.clipNorm = -1), /clipNorm: must be greater than 0, got -1$/],
    ['sequences 1e9', (s) => (s.data.sequences = 1e9), /data\.sequences: 1000000000 is over the limit of 10000000$/],
    ['hiddenSize 1e6', (s) => (s.model.layers[0].hiddenSize = 1e6), /model\.layers\[0\]\.hiddenSize: 1000000 is over the limit of 8192 \(raise it with --max-width/],
    ['tbptt -1', (s) => (s.tbptt = -1), /tbptt: must be a positive integer, got -1$/],
    ['tbptt with a conv1d layer (refused before training, not at the first step)', (s) => {
      s.model.layers.unshift({ type: 'conv1d', filters: 4, kernelSize: 3 });
      s.tbptt = 5;
    }, /tbptt: truncated BPTT cannot split a model with conv1d layers into windows .*; remove tbptt$/],
    ['fractional epochs', (s) => (s.epochs = 2.5), /epochs: must be an integer, got 2\.5$/],
    ['a string learning rate', (s) => (s.optimizer.lr = '0.1'), /optimizer\.lr: must be a finite number, got "0\.1"$/],
    ['an unknown optimizer', (s) => (s.optimizer.name = 'adagrad'), /optimizer\.name: must be one of adam, sgd, rmsprop; got "adagrad"$/],
    ['momentum 1', (s) => (s.optimizer = { name: 'sgd', momentum: 1 }), /optimizer\.momentum: must be less than 1, got 1$/],
    ['an unknown loss', (s) => (s.loss = 'hinge'), /loss: must be one of mse, cross-entropy, cross-entropy-last; got "hinge"$/],
    ['a misspelt field', (s) => (s.epoch = 3), /spec: unknown field "epoch" \(known: model, data,/],
    ['a misspelt layer field', (s) => (s.model.layers[0].hidden_size = 3), /model\.layers\[0\]: unknown field "hidden_size"/],
    ['an unknown layer type', (s) => (s.model.layers[1].type = 'conv'), /model\.layers\[1\]\.type: must be one of rnn, lstm, gru, dense, embedding, dropout, conv1d; got "conv"$/],
    ['dropout rate 1', (s) => s.model.layers.splice(1, 0, { type: 'dropout', rate: 1 }), /model\.layers\[1\]\.rate: must be less than 1, got 1$/],
    ['an unknown task', (s) => (s.data.task = 'copying'), /data\.task: must be one of adding; got "copying"$/],
    ['sequences x time too large', (s) => Object.assign(s.data, { sequences: 1e6, time: 1000 }), /data: 1000000 sequences x 1000 steps x 2 features = 2000000000 values, over the limit of 100000000$/],
    ['schedule gamma 0', (s) => (s.schedule = { name: 'step', stepSize: 2, gamma: 0 }), /schedule\.gamma: must be greater than 0, got 0$/],
    ['early stopping without patience', (s) => (s.earlyStopping = { minDelta: 0.1 }), /earlyStopping\.patience: must be an integer, got undefined$/],
    ['a model without layers', (s) => (s.model.layers = []), /model\.layers: a model needs at least one layer$/],
  ];
  it.each(cases)('%s', async (_name, change, message) => {
    const spec = specFile('bad-spec.json', change);
    const r = await runCli('train', spec, '--out', out('never.json'));
    expect(r.code).toBe(1);
    expect(r.err[0]).toContain(`${spec}: `);
    expect(r.err[0]).toMatch(message);
    expect(r.out).toEqual([]);
  });

  it.each([[1.5, '1.5'], [null, 'null'], ['2', '"2"'], [-2, '-2']])('a class id of y.data that is not one (%p) is refused by position, not truncated', async (bad, shown) => {
    const data = path.join(tmp, 'classes.json');
    fs.writeFileSync(data, JSON.stringify({ x: { data: [0, 1, 1, 0], batch: 2, time: 1, features: 2 }, y: { data: [1, bad], batch: 2, time: 1, features: 1 } }));
    const spec = specFile('classes-spec.json', (s) => {
      Object.assign(s, { loss: 'cross-entropy-last', data: { file: data } });
      s.model.layers[1].units = 2;
    });
    const r = await runCli('train', spec, '--out', out('never.json'));
    expect([r.code, r.err[0]]).toEqual([1, expect.stringContaining(`${data}: y.data: value ${shown} at position 1 is not a class id`)]);
  });

  it('a wider model passes when the limit is raised on the command line', async () => {
    const spec = specFile('wide.json', (s) => Object.assign(s, { epochs: 1, data: { task: 'adding', sequences: 4, time: 2, seed: 1 } }));
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('"hiddenSize":8', '"hiddenSize":9'));
    expect((await runCli('train', spec, '--out', out('narrow.json'), '--max-width', '8')).err[0]).toMatch(/hiddenSize: 9 is over the limit of 8/);
    expect((await runCli('train', spec, '--out', out('narrow.json'), '--max-width', '9')).code).toBe(0);
    expect((await runCli('train', spec, '--out', out('narrow.json'), '--max-width', 'lots')).err[0]).toMatch(/--max-width takes a positive integer, got "lots"/);
  });

  it('never prints the content of a file it cannot parse (spec or data file)', async () => {
    const secret = path.join(tmp, 'secret.txt');
    fs.writeFileSync(secret, 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash\n');
    const viaData = await runCli('train', specFile('points-at-secret.json', (s) => (s.data = { file: secret })), '--out', out('never.json'));
    const asSpec = await runCli('train', secret, '--out', out('never.json'));
    for (const r of [viaData, asSpec]) {
      expect(r.code).toBe(1);
      expect(r.err.join('\n')).toMatch(/secret\.txt: not valid JSON \(Unexpected token\)/);
      expect(r.err.join('\n')).not.toMatch(/root|SECRET/);
    }
  });

  it('the parameter tensors a config implies are those Sequential builds (checked without allocating)', () => {
    const configs = [
      { inputFeatures: 3, layers: [{ type: 'lstm' as const, hiddenSize: 4, bidirectional: true }, { type: 'rnn' as const, hiddenSize: 2 }, { type: 'dense' as const, units: 5 }] },
      { inputFeatures: 1, layers: [{ type: 'embedding' as const, vocabSize: 7, embeddingDim: 3 }, { type: 'gru' as const, hiddenSize: 5 }, { type: 'dropout' as const, rate: 0.1 }, { type: 'dense' as const, units: 7 }] },
      { inputFeatures: 3, layers: [{ type: 'conv1d' as const, filters: 4, kernelSize: 5, dilation: 2, padding: 'causal' as const }, { type: 'gru' as const, hiddenSize: 2 }] },
    ];
    for (const config of configs) {
      const { shapes, parameters } = checkModelConfig(config);
      const model = new Sequential(config);
      expect(shapes).toEqual(model.params().map((p) => ({ name: p.qualifiedName, shape: p.shape })));
      expect(parameters).toBe(model.parameterCount());
    }
    expect(() => checkModelConfig({ inputFeatures: 4000, layers: [{ type: 'lstm', hiddenSize: 8000 }] })).toThrow(
      /config \(parameters up to layer 0\): 384064000 is over the limit of 250000000 \(raise it with --max-parameters/,
    );
  });
});

it('fit refuses a zero batch size or a negative clip norm from the API too (no hang, no uphill training)', () => {
  const model = new Sequential({ inputFeatures: 2, layers: [{ type: 'gru', hiddenSize: 2 }] });
  const data = { x: { data: new Float32Array(8), batch: 2, time: 2, features: 2 }, y: { data: new Float32Array(8), batch: 2, time: 2, features: 2 } };
  const base = { loss: mse(), epochs: 1, log: false as const };
  expect(() => fit(model, data, { ...base, batchSize: 0 })).toThrow(/^batchSize: must be a positive integer, got 0$/);
  expect(() => fit(model, data, { ...base, clipNorm: -1 })).toThrow(/^clipNorm: must be greater than 0, got -1$/);
  expect(() => fit(model, data, { ...base, tbptt: 0 })).toThrow(/^tbptt: must be a positive integer, got 0$/);
});

describe('outputs are checked before the first epoch', () => {
  const spec = specFile('ok.json');
  it.each([
    ['a missing directory', '/nonexistent/m.json', /\/nonexistent\/m\.json: cannot write --out here: the directory \/nonexistent does not exist/],
    ['a directory', tmp, /cannot write --out here: it is a directory/],
    ['a directory that accepts no files', '/proc/m.json', /cannot write --out here: the directory \/proc does not accept new files \(E[A-Z]+\)/],
  ])('--out in %s fails at once, before training', async (_name, target, message) => {
    const r = await runCli('train', spec, '--out', target);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(message);
    expect(r.out).toEqual([]); // no epoch ran
  });

  it('--checkpoint is checked the same way, and may not be the --out file', async () => {
    const r = await runCli('train', spec, '--out', out('m.json'), '--checkpoint', '/nonexistent/c.json');
    expect(r.err[0]).toMatch(/\/nonexistent\/c\.json: cannot write --checkpoint here: the directory \/nonexistent does not exist/);
    expect(r.out).toEqual([]);
    expect((await runCli('train', spec, '--out', out('m.json'), '--checkpoint', out('m.json'))).err[0]).toMatch(/--out and --checkpoint must be different files/);
  });
});

describe('--resume', () => {
  const ckpt = out('resume-ckpt.json');
  beforeAll(async () => {
    expect((await runCli('train', specFile('first.json'), '--out', out('first-model.json'), '--checkpoint', ckpt)).code).toBe(0);
  });

  it('continues a checkpoint made with the same spec', async () => {
    const r = await runCli('train', specFile('more-epochs.json', (s) => (s.epochs = 3)), '--out', out('more.json'), '--checkpoint', ckpt, '--resume');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(/^epoch 3\/3/), `wrote ${out('more.json')}`]);
  });

  it.each([
    ['a different hidden size', (s: Record<string, any>) => (s.model.layers[0].hiddenSize = 16), /model\.layers\[0\]\.hiddenSize is 8 in the checkpoint but 16 in .*changed\.json/],
    ['a different model seed', (s: Record<string, any>) => (s.model.seed = 4), /model\.seed is 3 in the checkpoint but 4/],
    ['different data', (s: Record<string, any>) => (s.data.seed = 2), /data\.seed is 1 in the checkpoint but 2/],
    ['an added validation set', (s: Record<string, any>) => (s.validation = { task: 'adding', sequences: 8, time: 10, seed: 5 }), /validation is undefined in the checkpoint but an object/],
  ])('refuses a checkpoint made for %s, naming the field', async (_name, change, message) => {
    const r = await runCli('train', specFile('changed.json', change), '--out', out('never.json'), '--checkpoint', ckpt, '--resume');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/resume-ckpt\.json: was made for a different run: /);
    expect(r.err[0]).toMatch(message);
    expect(r.out).toEqual([]);
  });

  it('a checkpoint with out-of-range or repeated shuffle indices, or wrong-sized moments, is refused on load', () => {
    const corrupt = (change: (c: EditableCheckpoint) => void) => {
      const file = editCheckpoint(ckpt, out('corrupt-ckpt.json'), change);
      return () => loadCheckpoint(file);
    };
    const setOrder = (i: number, v: number) => (c: EditableCheckpoint) => (c.tensors.get('state.order')!.data[i] = v);
    expect(corrupt(setOrder(5, 640))).toThrow(/corrupt-ckpt\.json: corrupt fit state: state\.order\[5\]: row 640 is outside the 64 training sequences/);
    expect(corrupt(setOrder(5, -1))).toThrow(/state\.order\[5\]: row -1 is outside/);
    expect(corrupt((c) => { const o = c.tensors.get('state.order')!.data; o[5] = o[6]; })).toThrow(/state\.order\[6\]: row \d+ appears twice \(not a permutation\)/);
    expect(corrupt((c) => (c.state.batchStart = 65))).toThrow(/state\.batchStart: 65 is over the limit of 64/);
    expect(corrupt((c) => {
      const t = c.tensors.get('optimizer.buffers.0')!;
      c.tensors.set(t.name, { ...t, shape: [t.shape[0] - 1], data: t.data.slice(1) });
    })).toThrow(/state\.optimizer\.slots\.buffers\[0\]: has \d+ values, the parameter \d+/);
    expect(corrupt((c) => c.tensors.delete('optimizer.buffers.3'))).toThrow(/tensor optimizer\.buffers\.3 \(F64\) is missing/);
    expect(corrupt((c) => (c.state.shuffleRng = [1, 2]))).toThrow(/state\.shuffleRng: has 2 entries, expected 5/);
    expect(corrupt((c) => (c.state.lr = -1))).toThrow(/state\.lr: must be greater than 0/);
  });
});
