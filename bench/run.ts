/**
 * npm run bench [-- --rounds N] [--steps N] [--max-seconds S] [--slow-seconds S] [--slow-rounds N]
 *                  [--only W1,W3a] [--skip tfjs-cpu,pytorch,...]
 *
 * Measures rnnkit against its peers on the same workloads. Each measurement is a fresh process;
 * rounds interleave them (rnnkit, then every peer, then rnnkit again, ...) so that both sides are
 * sampled over the same stretch of time on a machine whose load drifts. Prints the environment first,
 * then per workload min and median over the runs of each side and the ratios rnnkit/peer.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MIN_STEPS } from './measure';
import { median, summarize, type Summary } from './stats';
import { BENCH_THREADS, flops, WORKLOADS, type Workload } from './workloads';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rounds = Number(opt('rounds') ?? 5);
const steps = Number(opt('steps') ?? 20);
const maxSeconds = Number(opt('max-seconds') ?? 4);
const slowSeconds = Number(opt('slow-seconds') ?? 10);
const slowRounds = Math.min(rounds, Number(opt('slow-rounds') ?? 2));
for (const [name, v] of Object.entries({ rounds, steps, 'max-seconds': maxSeconds, 'slow-seconds': slowSeconds, 'slow-rounds': slowRounds })) {
  if (!(v > 0)) {
    console.error(`bench: --${name} must be a positive number`);
    process.exit(2);
  }
}
const only = opt('only')?.split(',');
const skip = new Set(opt('skip')?.split(',') ?? []);
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
const TORCH_PY = '/usr/bin/python3';
const TORCH_BENCH = path.join(__dirname, 'torch_bench.py');
/** A hung process should not stall the whole bench. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000;

const hasTorch = torchAvailable();

function torchAvailable(): boolean {
  if (skip.has('pytorch') || !fs.existsSync(TORCH_PY)) return false;
  try {
    execFileSync(TORCH_PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function peersFor(w: Workload): string[] {
  // rnnkit runs on the native kernels when they are built; rnnkit-wasm shows the kernels they replace.
  const peers = w.mode === 'infer' ? ['rnnkit-wasm', 'rnnkit-js', 'onnxruntime'] : ['rnnkit-wasm', 'rnnkit-js'];
  if (hasTorch) peers.push('pytorch');
  peers.push('tfjs-wasm', 'tfjs-cpu');
  return peers.filter((p) => !skip.has(p));
}

/**
 * Whether a peer runs in round r. A peer whose first run took longer than --slow-seconds (tfjs-cpu:
 * 11 s a W4 step) runs only --slow-rounds rounds, spread from the first to the last.
 */
function runsInRound(r: number, slow: boolean): boolean {
  if (!slow || slowRounds >= rounds) return true;
  if (slowRounds <= 1) return r === 0;
  return Array.from({ length: slowRounds }, (_, i) => Math.round((i * (rounds - 1)) / (slowRounds - 1))).includes(r);
}

/** Runs a process and returns the JSON of its last stdout line (libraries may print banners before it). */
function lastJsonLine(file: string, argv: string[]): Record<string, unknown> {
  const out = execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24, timeout: RUN_TIMEOUT_MS });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const nodeTs = (script: string, argv: string[]) => lastJsonLine(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, script), ...argv]);

/** One measurement in a fresh process: the median ms/step of its timed steps, or null when it failed. */
function measureOnce(impl: string, w: Workload): number | null {
  try {
    const r = impl === 'pytorch'
      ? lastJsonLine(TORCH_PY, [TORCH_BENCH, String(steps), String(maxSeconds), String(BENCH_THREADS), JSON.stringify(w)])
      : nodeTs('worker.ts', [impl, w.id, String(steps), String(maxSeconds)]);
    return median(r.times as number[]);
  } catch (err) {
    console.error(`  ${impl} on ${w.id} failed: ${(err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? err}`);
    return null;
  }
}

function printEnvironment(impls: string[]): void {
  const cpus = os.cpus();
  console.log('Environment');
  console.log(`  CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`  node ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.arch()}; rnnkit ${rnnkitRevision()}`);
  const nodeImpls = impls.filter((i) => i !== 'pytorch');
  try {
    const described = nodeTs('worker.ts', ['env', ...nodeImpls]) as Record<string, string>;
    for (const impl of nodeImpls) console.log(`  ${impl}: ${described[impl]}`);
  } catch (err) {
    console.log(`  (could not describe ${nodeImpls.join(', ')}: ${(err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? err})`);
  }
  if (hasTorch) console.log(`  pytorch: ${describeTorch()}`);
  else console.log(`  pytorch: ${skip.has('pytorch') ? 'skipped (--skip pytorch)' : `not measured (${TORCH_PY} cannot import torch: apt-get install python3-torch)`}`);
}

function rnnkitRevision(): string {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `commit ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' + uncommitted changes' : ''}`;
  } catch {
    return '(not a git checkout)';
  }
}

function describeTorch(): string {
  const t = lastJsonLine(TORCH_PY, [TORCH_BENCH, 'env', String(BENCH_THREADS)]) as {
    version: string; threads: number; interopThreads: number; blas: string; lapack: string; mkl: boolean; openmp: string;
    mkldnn: string; parallelBackend: string; loadedLibraries: string[]; openblasThreads: number | null; threadEnv: Record<string, string>; build: string[];
  };
  const env = Object.entries(t.threadEnv).map(([k, v]) => `${k}=${v}`).join(' ') || 'no thread variables set';
  const blasLibs = t.loadedLibraries.length ? t.loadedLibraries.join(', ') : 'none found in the process maps';
  return `torch ${t.version} via ${TORCH_PY}: torch.get_num_threads() ${t.threads} (inter-op ${t.interopThreads}, ${t.parallelBackend} backend)` +
    `${t.openblasThreads !== null ? `, OpenBLAS threads ${t.openblasThreads}` : ''}; ${env}\n` +
    `    BLAS_INFO=${t.blas}, LAPACK_INFO=${t.lapack}, MKL ${t.mkl ? 'yes' : 'no'}, USE_OPENMP=${t.openmp}, USE_MKLDNN=${t.mkldnn}; loaded: ${blasLibs}\n` +
    `    ${t.build.join('; ')}`;
}

function printMethod(): void {
  console.log(`\nMethod: per workload ${rounds} rounds (--rounds); a round runs rnnkit, then each peer, each in a fresh process.`);
  if (slowRounds < rounds) console.log(`A peer whose first run takes over ${slowSeconds} s (--slow-seconds) runs only ${slowRounds} rounds (--slow-rounds), spread from first to last.`);
  console.log(`A run: up to 3 untimed warm-up steps, then ${steps} timed steps (--steps), or fewer once they take ${maxSeconds} s (--max-seconds; at least ${MIN_STEPS});`);
  console.log(`its figure is the median step. Per side: min and median over its runs, in ms/step; GFLOP/s from the median;`);
  console.log(`rnnkit/peer ratios of the medians and of the mins (< 1: rnnkit is faster). Threads: ${BENCH_THREADS} wherever an implementation can use several.`);
}

const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(3) : '—');

function printWorkload(w: Workload, impls: string[], results: Map<string, Summary | null>): void {
  const ours = results.get('rnnkit');
  console.log(`\n${w.id} ${w.title} [B=${w.batch} T=${w.time} I=${w.input} H=${w.hidden}]`);
  console.log(`  ${'impl'.padEnd(12)} ${'runs'.padStart(4)} ${'min ms'.padStart(9)} ${'median ms'.padStart(10)} ${'GFLOP/s'.padStart(8)}   rnnkit/impl: median    min`);
  for (const impl of impls) {
    const s = results.get(impl);
    const gf = s ? (flops(w) / s.median / 1e6).toFixed(2) : '—';
    const ratios = impl === 'rnnkit' ? '' : `${ratio(ours?.median, s?.median).padStart(20)} ${ratio(ours?.min, s?.min).padStart(6)}`;
    console.log(`  ${impl.padEnd(12)} ${String(s?.runs ?? 0).padStart(4)} ${fmt(s?.min).padStart(9)} ${fmt(s?.median).padStart(10)} ${gf.padStart(8)}   ${ratios}`);
  }
}

/** All workloads in one markdown table (median, min in brackets), ready for the README. */
function printSummary(all: Map<Workload, Map<string, Summary | null>>): void {
  const impls = [...new Set([...all.values()].flatMap((m) => [...m.keys()]))];
  console.log(`\nSummary: median ms/step (min) over ${rounds} rounds (slow peers fewer: see the runs above)\n`);
  console.log(`| workload | ${impls.join(' | ')} |`);
  console.log(`|---|${impls.map(() => '---').join('|')}|`);
  for (const [w, m] of all) {
    const cells = impls.map((i) => {
      const s = m.get(i);
      if (!m.has(i)) return '';
      return s ? `${fmt(s.median)} (${fmt(s.min)})` : 'failed';
    });
    console.log(`| ${w.id} ${w.title} | ${cells.join(' | ')} |`);
  }
}

function main(): void {
  const started = Date.now();
  const allImpls = ['rnnkit', ...new Set(workloads.flatMap(peersFor))];
  printEnvironment(allImpls);
  printMethod();
  const all = new Map<Workload, Map<string, Summary | null>>();
  for (const w of workloads) {
    const impls = ['rnnkit', ...peersFor(w)];
    const runs = new Map<string, number[]>(impls.map((i) => [i, []]));
    const failed = new Set<string>();
    const slow = new Set<string>();
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`${w.id} round ${r + 1}/${rounds} ...\n`);
      for (const impl of impls) {
        if (failed.has(impl) || !runsInRound(r, slow.has(impl))) continue;
        const t0 = Date.now();
        const ms = measureOnce(impl, w);
        if (ms === null) failed.add(impl); // one report is enough; don't retry every round
        else runs.get(impl)!.push(ms);
        if (impl !== 'rnnkit' && r === 0 && Date.now() - t0 > slowSeconds * 1000) slow.add(impl);
      }
    }
    const results = new Map(impls.map((i) => [i, summarize(runs.get(i)!)]));
    all.set(w, results);
    printWorkload(w, impls, results);
  }
  printSummary(all);
  const s = Math.round((Date.now() - started) / 1000);
  console.log(`\nTotal bench time ${Math.floor(s / 60)} min ${s % 60} s`);
}

main();
