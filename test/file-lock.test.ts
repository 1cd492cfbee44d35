import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lockFile, LockError } from '../src/io/file-lock';
import { spawnCli } from './helpers/cli';
import { tempDir } from './helpers/temp-dir';

const tmp = tempDir('rnnkit-lock-');

/** The pid of a process that has exited (so is certainly not running). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('lockFile', () => {
  it('creates <target>.lock holding the pid, refuses a second writer, and removes it on release', () => {
    const target = path.join(tmp, 'a.json');
    const lock = lockFile(target);
    expect(lock.path).toBe(`${target}.lock`);
    expect(fs.readFileSync(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockFile(target)).toThrow(LockError);
    expect(() => lockFile(target)).toThrow(/a\.json: in use by this process; two runs writing the same file would overwrite each other\. If no such run exists, remove .*a\.json\.lock/);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
    lockFile(target).release();
  });

  it('takes over a lock whose process is gone, and says so', () => {
    const target = path.join(tmp, 'b.json');
    const pid = deadPid();
    fs.writeFileSync(`${target}.lock`, `${pid}\n`);
    const told: string[] = [];
    const lock = lockFile(target, (m) => told.push(m));
    expect(told).toEqual([`rnnkit: ${target}: removed a stale lock left by pid ${pid}, which is no longer running`]);
    expect(fs.readFileSync(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('an empty lock is a writer starting now, unless it has been empty for seconds', () => {
    const target = path.join(tmp, 'c.json');
    fs.writeFileSync(`${target}.lock`, '');
    expect(() => lockFile(target)).toThrow(/in use by another process \(starting now\)/);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(`${target}.lock`, past, past);
    lockFile(target).release();
  });

  it('a release does not remove a lock another process holds', () => {
    const target = path.join(tmp, 'd.json');
    const lock = lockFile(target);
    fs.writeFileSync(lock.path, '1\n'); // pid 1 took it over meanwhile
    lock.release();
    expect(fs.readFileSync(lock.path, 'utf8')).toBe('1\n');
    fs.rmSync(lock.path);
  });
});

describe('two `rnnkit train` runs on the same files', () => {
  const spec = path.join(tmp, 'long.json');
  fs.writeFileSync(spec, JSON.stringify({
    model: { inputFeatures: 2, seed: 3, layers: [{ type: 'gru', hiddenSize: 16, returnSequences: false }, { type: 'dense', units: 1 }] },
    data: { task: 'adding', sequences: 256, time: 20, seed: 1 },
    loss: 'mse', epochs: 100000, batchSize: 32,
  }));
  const out = path.join(tmp, 'm.json');
  const ckpt = path.join(tmp, 'ckpt.json');

  it('the second refuses to start while the first runs; the first releases its locks when it ends', async () => {
    let second: Promise<{ code: number | null; out: string; err: string }>[] = [];
    const first = await spawnCli(['train', spec, '--out', out, '--checkpoint', ckpt], (line, interrupt) => {
      if (second.length > 0 || !line.includes('epoch 1/')) return;
      second = [
        spawnCli(['train', spec, '--out', path.join(tmp, 'other.json'), '--checkpoint', ckpt]),
        spawnCli(['train', spec, '--out', out]),
      ];
      Promise.all(second).then(interrupt);
    });
    const [sameCheckpoint, sameOut] = await Promise.all(second);
    for (const [r, file] of [[sameCheckpoint, ckpt], [sameOut, out]] as const) {
      expect(r.code).toBe(1);
      expect(r.err).toContain(`rnnkit: ${file}: in use by another process (pid `);
      expect(r.out).toBe('');
    }
    expect(first.code).toBe(130);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
    expect(fs.existsSync(`${ckpt}.lock`)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'other.json.lock'))).toBe(false); // the refused run took nothing
  }, 60_000);

  it('a run killed with SIGKILL leaves a stale lock that the next run takes over', async () => {
    const small = path.join(tmp, 'small.json');
    fs.writeFileSync(small, fs.readFileSync(spec, 'utf8').replace('"epochs":100000', '"epochs":1'));
    fs.writeFileSync(`${out}.lock`, `${deadPid()}\n`);
    const r = await spawnCli(['train', small, '--out', out]);
    expect(r.err).toMatch(/removed a stale lock left by pid \d+, which is no longer running/);
    expect(r.code).toBe(0);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
  }, 60_000);
});
