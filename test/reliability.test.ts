import * as fs from 'fs';
import * as path from 'path';
import { fit, fitAsync, adam, crossEntropy, Sequential, type Dataset, type FitOptions } from '../src';
import { loadCheckpoint } from '../src/train/checkpoint';
import { randomLabels } from './helpers/data';
import { spawnCli } from './helpers/cli';
import { spawnTs } from './helpers/spawn';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-rel-');

function task(n: number, T: number, V: number): Dataset {
  const ids = randomLabels(n * T, V, 3);
  const x = new Float32Array(n * T * V);
  ids.forEach((id, i) => (x[i * V + id] = 1));
  const y = Int32Array.from(ids, (_, i) => (i % T === 0 ? 0 : ids[i - 1]));
  return { x: { data: x, batch: n, time: T, features: V }, y: { data: y, batch: n, time: T, features: 1 }, lengths: Int32Array.from({ length: n }, (_, i) => T - (i % 4)) };
}

const makeModel = () => new Sequential({ inputFeatures: 5, seed: 9, layers: [{ type: 'lstm', hiddenSize: 8 }, { type: 'dropout', rate: 0.25 }, { type: 'gru', hiddenSize: 8 }, { type: 'dense', units: 5 }] });
const weightsHex = (m: Sequential) => m.getWeights().map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('hex')).join('');

describe('interrupt and resume', () => {
  const data = task(40, 6, 5);
  const opts = (): FitOptions => ({ loss: crossEntropy(), optimizer: adam({ lr: 0.01 }), epochs: 4, batchSize: 8, log: false, seed: 4 });

  it('resuming from a mid-epoch checkpoint reproduces the uninterrupted run bit for bit', async () => {
    const reference = makeModel();
    const refHistory = fit(reference, data, opts());

    const file = path.join(tmp, 'ckpt.json');
    const interrupted = makeModel();
    let checks = 0;
    // Aborts at the 7th batch boundary: epoch 2 (5 batches per epoch), second batch.
    const signal = { get aborted() { return ++checks >= 7; } } as AbortSignal;
    const partial = await fitAsync(interrupted, data, { ...opts(), checkpoint: { path: file }, signal });
    expect(partial.interrupted).toBe(true);
    expect(partial.loss).toHaveLength(1);

    const { model, state } = loadCheckpoint(file);
    expect([state.epoch, state.batchStart]).toEqual([1, 16]);
    const resumed = fit(model, data, { ...opts(), resumeFrom: state });
    expect(resumed.loss).toEqual(refHistory.loss);
    expect(weightsHex(model)).toBe(weightsHex(reference));
  });

  it('Ctrl-C on `rnnkit train` writes a checkpoint, and --resume finishes with identical weights', async () => {
    const spec = path.join(tmp, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({
      model: { inputFeatures: 2, seed: 3, layers: [{ type: 'gru', hiddenSize: 16, returnSequences: false }, { type: 'dense', units: 1 }] },
      data: { task: 'adding', sequences: 256, time: 30, seed: 1 },
      loss: 'mse', optimizer: { name: 'adam', lr: 0.01 }, epochs: 8, batchSize: 16, clipNorm: 1,
    }));
    const full = path.join(tmp, 'full.json');
    expect((await spawnCli(['train', spec, '--out', full])).code).toBe(0);

    const out = path.join(tmp, 'resumed.json');
    const ckpt = path.join(tmp, 'train-ckpt.json');
    let sent = false;
    const first = await spawnCli(['train', spec, '--out', out, '--checkpoint', ckpt], (line, kill) => {
      if (!sent && line.includes('epoch 2/8')) {
        sent = true;
        kill();
      }
    });
    expect(first.code).toBe(130);
    expect(first.err).toMatch(/interrupted; continue with --resume --checkpoint/);
    expect(fs.existsSync(out)).toBe(false);
    expect(loadCheckpoint(ckpt).state.epoch).toBeLessThan(8);
    const second = await spawnCli(['train', spec, '--out', out, '--checkpoint', ckpt, '--resume']);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/epoch 8\/8/);
    const a = JSON.parse(fs.readFileSync(full, 'utf8')).params;
    const b = JSON.parse(fs.readFileSync(out, 'utf8')).params;
    expect(b).toEqual(a);
  });
});

describe('atomic writes', () => {
  it('killing a writer mid-write leaves the previous file intact, and the next write clears its temp file', async () => {
    const target = path.join(tmp, 'model-big.bin');
    fs.writeFileSync(target, 'previous content');
    const child = spawnTs(path.join(__dirname, 'helpers', 'slow-writer.ts'), [target]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Let the 400 MB write get under way, then kill it hard.
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(fs.readFileSync(target, 'utf8')).toBe('previous content');
    const leftovers = () => fs.readdirSync(tmp).filter((n) => n.startsWith('.model-big.bin.tmp-'));
    expect(leftovers().length).toBe(1);
    const { writeFileAtomic } = await import('../src/io/atomic-write');
    writeFileAtomic(target, 'new content');
    expect(fs.readFileSync(target, 'utf8')).toBe('new content');
    expect(leftovers()).toEqual([]);
  });
});
