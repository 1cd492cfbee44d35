/**
 * npm run bench [-- --steps N] [--only W1,W2] [--skip tfjs-cpu,...]
 * Measures rnnkit and its peers side by side, each in its own process, one after another,
 * and prints ms/step (median), GFLOP/s and the time ratio rnnkit/peer (< 1: rnnkit is faster).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { flops, median, WORKLOADS, type Workload } from './workloads';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(opt('steps') ?? 20);
const only = opt('only')?.split(',');
const skip = new Set(opt('skip')?.split(',') ?? []);
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
const TORCH_PY = '/usr/bin/python3';

function peersFor(w: Workload): string[] {
  // rnnkit runs on the native kernels when they are built; rnnkit-wasm shows the kernels they replace.
  const peers = ['rnnkit-wasm', 'rnnkit-js', 'tfjs-cpu', 'tfjs-wasm'];
  if (w.mode === 'infer') peers.push('onnxruntime');
  return peers.filter((p) => !skip.has(p));
}

function runWorker(impl: string, w: Workload): number | null {
  try {
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'worker.ts'), impl, w.id, String(steps)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24,
    });
    const line = out.trim().split('\n').pop()!;
    return median(JSON.parse(line).times);
  } catch (err) {
    console.error(`  ${impl} on ${w.id} failed: ${(err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? err}`);
    return null;
  }
}

function torchAvailable(): boolean {
  if (skip.has('pytorch') || !fs.existsSync(TORCH_PY)) return false;
  try {
    execFileSync(TORCH_PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runTorch(ws: Workload[]): Map<string, number> {
  const out = execFileSync(TORCH_PY, [path.join(__dirname, 'torch_bench.py'), String(steps), ...ws.map((w) => JSON.stringify(w))], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((l) => JSON.parse(l)).map((r: { workload: string; msPerStep: number }) => [r.workload, r.msPerStep]));
}

const fmt = (ms: number | null | undefined) => (ms == null ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const gf = (w: Workload, ms: number | null | undefined) => (ms == null ? '—' : (flops(w) / ms / 1e6).toFixed(2));

console.log(`rnnkit bench: ${steps} measured steps per run (median), node ${process.version}, ${require('os').cpus()[0].model}, ${require('os').cpus().length} cores`);
const torch = torchAvailable() ? runTorch(workloads) : new Map<string, number>();
if (!torch.size) console.log(skip.has('pytorch') ? 'PyTorch: skipped' : 'PyTorch: not measured (Debian python3-torch is not installed)');
const rows: string[][] = [];
for (const w of workloads) {
  process.stderr.write(`measuring ${w.id} ${w.title} ...\n`);
  const ours = runWorker('rnnkit', w);
  const row = [w.id, w.title, fmt(ours), gf(w, ours)];
  const peers = peersFor(w).map((p) => [p, runWorker(p, w)] as const);
  if (torch.has(w.id)) peers.push(['pytorch', torch.get(w.id)!]);
  for (const [p, ms] of peers) row.push(`${p} ${fmt(ms)} ms (${gf(w, ms)} GFLOP/s), rnnkit/${p} = ${ours && ms ? (ours / ms).toFixed(3) : '—'}`);
  rows.push(row);
  console.log(`\n${w.id} ${w.title} [B=${w.batch} T=${w.time} I=${w.input} H=${w.hidden}]: rnnkit ${row[2]} ms/step, ${row[3]} GFLOP/s`);
  for (const cell of row.slice(4)) console.log(`  ${cell}`);
}
