import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { decodeSafetensors, encodeSafetensors, tensorValues, type SafeTensor } from '../src/io/safetensors';
import { loadTranslator } from '../src/translate/translator-file';
import { tempDir } from './helpers/temp-dir';

const ROOT = path.join(__dirname, '..');
const dir = tempDir('rnnkit-train-translate-');

/** npm run train:translate on 600 training pairs with a tiny model (a second or two an epoch). */
function train(name: string, ...extra: string[]): string {
  const base: Record<string, string> = { pairs: '600', 'valid-pairs': '40', hidden: '16', merges: '100', dropout: '0.3', average: '0.99' };
  // An option in `extra` replaces the base one (the scripts refuse an option given twice).
  const args = [...Object.entries(base).flatMap(([k, v]) => (extra.includes(`--${k}`) ? [] : [`--${k}`, v]))];
  const files = ['--out', path.join(dir, `${name}.safetensors`), '--checkpoint', path.join(dir, `${name}-checkpoint.safetensors`)];
  const script = path.join(ROOT, 'scripts', 'train-translate.ts');
  return execFileSync(process.execPath, ['-r', '@swc-node/register', script, ...args, ...files, ...extra], { cwd: ROOT, encoding: 'utf8' });
}

function tensors(file: string): Map<string, number[]> {
  const decoded = decodeSafetensors(fs.readFileSync(file));
  return new Map([...decoded.tensors].map(([name, t]) => [name, Array.from(tensorValues(t))]));
}

describe('train:translate (scripts/train-translate.ts)', () => {
  it('stopped by --minutes and resumed, ends bit for bit where an uninterrupted run ends (dropout, weight average)', () => {
    train('whole', '--epochs', '3');
    expect(train('parts', '--epochs', '3', '--minutes', '0.0001')).toMatch(/stopping: another epoch would pass the 0.0001-minute budget/);
    // After epoch 1 (the best so far, so saved), the model file holds the averaged weights; training goes on from the last ones.
    const epoch1 = tensors(path.join(dir, 'parts-checkpoint.safetensors'));
    const model1 = loadTranslator(path.join(dir, 'parts.safetensors')).translator.model.params();
    model1.forEach((p, k) => expect(Array.from(p.value)).toEqual(Array.from(Float32Array.from(epoch1.get(`average.${k}`)!))));
    expect(Array.from(model1[0].value)).not.toEqual(epoch1.get('source_embedding.weight'));
    expect(train('parts', '--epochs', '3', '--resume')).toMatch(/resuming after epoch 1/);
    const [whole, parts] = [tensors(path.join(dir, 'whole-checkpoint.safetensors')), tensors(path.join(dir, 'parts-checkpoint.safetensors'))];
    expect([...parts.keys()].sort()).toEqual([...whole.keys()].sort());
    expect([...whole.keys()].filter((k) => k.startsWith('average.')).length).toBeGreaterThan(0);
    for (const [name, values] of whole) expect([name, parts.get(name)]).toEqual([name, values]);
    const saved = loadTranslator(path.join(dir, 'whole.safetensors'));
    expect(saved.translator.spec).toMatchObject({ tied: true, dropout: 0.3, hiddenSize: 16, embeddingDim: 16 });
    expect(saved.info).toMatchObject({ weightAverage: 0.99 });
  }, 120_000);
  it('refuses to resume with other data or another average', () => {
    expect(() => train('parts', '--epochs', '4', '--resume', '--pairs', '500')).toThrow(/was made with pairs 600; this run asks for pairs 500: resume with the same options/);
    expect(() => train('parts', '--epochs', '4', '--resume', '--average', '0.5')).toThrow(/was made with average 0\.99; this run asks for average 0\.5/);
  }, 60_000);
  it('checks the stored count of optimizer moments on resume; checkpoints written before it was stored still load', () => {
    /** parts' checkpoint (3 epochs done, so a resume with --epochs 3 only loads it) under another name, edited. */
    const edited = (name: string, change: (run: Record<string, unknown>, tensors: Map<string, SafeTensor>) => void) => {
      const decoded = decodeSafetensors(fs.readFileSync(path.join(dir, 'parts-checkpoint.safetensors')));
      const tensors = new Map([...decoded.tensors].map(([n, t]) => [n, { name: n, dtype: t.dtype, shape: t.shape, data: tensorValues({ dtype: t.dtype, bytes: t.bytes.slice() }) }]));
      const run = JSON.parse(decoded.metadata.run);
      change(run, tensors);
      fs.writeFileSync(path.join(dir, `${name}-checkpoint.safetensors`), Buffer.concat(encodeSafetensors([...tensors.values()], { ...decoded.metadata, run: JSON.stringify(run) })));
    };
    const count = JSON.parse(decodeSafetensors(fs.readFileSync(path.join(dir, 'parts-checkpoint.safetensors'))).metadata.run).optimizerBuffers;
    expect(count).toBeGreaterThan(0);
    edited('old', (run) => delete run.optimizerBuffers);
    expect(train('old', '--epochs', '3', '--resume')).toMatch(/resuming after epoch 3/);
    // All validation pairs (Infinity) are stored as JSON null, and read back as the same setting.
    edited('all', (run) => { (run.settings as Record<string, unknown>).validPairs = null; });
    expect(train('all', '--epochs', '3', '--resume', '--valid-pairs', 'Infinity')).toMatch(/resuming after epoch 3/);
    expect(() => train('all', '--epochs', '3', '--resume')).toThrow(/was made with validPairs all; this run asks for validPairs 40/);
    edited('short', (_run, tensors) => tensors.delete(`optimizer.buffers.${count - 1}`));
    expect(() => train('short', '--epochs', '3', '--resume')).toThrow(new RegExp(`tensor optimizer\\.buffers\\.${count - 1} \\(F64\\) is missing`));
    edited('f32', (_run, tensors) => tensors.set('average.0', { ...tensors.get('average.0')!, dtype: 'F32', data: Float32Array.from(tensors.get('average.0')!.data) }));
    expect(() => train('f32', '--epochs', '3', '--resume')).toThrow(/tensor average\.0 is F32, expected F64: no weight average to resume --average 0\.99 from/);
  }, 60_000);
});
