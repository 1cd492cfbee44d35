/**
 * One implementation on one workload, in its own process; prints a JSON line of step times:
 *   worker.ts <impl> <workload> <steps> <maxSeconds>
 * or, with `env <impl>...`, a JSON line describing how those implementations are set up.
 */
import { describeOnnxruntime, benchOnnxruntime } from './run-onnxruntime';
import { benchRnnkit } from './run-rnnkit';
import { benchTfjs, describeTfjs, loadTfjs } from './run-tfjs';
import { useRnnkitBackend, type RnnkitVariant } from './rnnkit-backend';
import type { MeasureOptions } from './measure';
import { WORKLOADS } from './workloads';

const RNNKIT_VARIANTS: string[] = ['rnnkit', 'rnnkit-wasm', 'rnnkit-js'] satisfies RnnkitVariant[];
const TFJS: Record<string, 'cpu' | 'wasm'> = { 'tfjs-cpu': 'cpu', 'tfjs-wasm': 'wasm' };

async function measure(impl: string, id: string, opts: MeasureOptions): Promise<number[]> {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}`);
  if (RNNKIT_VARIANTS.includes(impl)) {
    useRnnkitBackend(impl as RnnkitVariant);
    return benchRnnkit(w, opts);
  }
  if (impl in TFJS) return benchTfjs(await loadTfjs(TFJS[impl]), w, opts);
  if (impl === 'onnxruntime') return benchOnnxruntime(w, opts);
  throw new Error(`unknown implementation ${impl}`);
}

async function describe(impl: string): Promise<string> {
  if (RNNKIT_VARIANTS.includes(impl)) {
    const { training, inference } = useRnnkitBackend(impl as RnnkitVariant);
    return `training on ${training}, inference on ${inference}`;
  }
  if (impl in TFJS) return describeTfjs(await loadTfjs(TFJS[impl]));
  if (impl === 'onnxruntime') return describeOnnxruntime();
  throw new Error(`unknown implementation ${impl}`);
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  let result: object;
  if (mode === 'env') {
    const described: Record<string, string> = {};
    // One after another: each switches process-wide settings (rnnkit kernels, the tfjs backend).
    for (const impl of rest) described[impl] = await describe(impl);
    result = described;
  } else {
    const [id, steps, maxSeconds] = rest;
    result = { impl: mode, workload: id, times: await measure(mode, id, { steps: Number(steps), maxSeconds: Number(maxSeconds) }) };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
