/** One implementation on one workload, in its own process; prints a JSON line of step times. */
import { getBackend, setBackend } from '../src/kernels';
import { benchOnnxruntime } from './run-onnxruntime';
import { benchRnnkit } from './run-rnnkit';
import { benchTfjs, loadTfjs } from './run-tfjs';
import { WORKLOADS } from './workloads';

async function main(): Promise<void> {
  const [impl, id, stepsArg] = process.argv.slice(2);
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}`);
  const steps = Number(stepsArg);
  let times: number[];
  if (impl === 'rnnkit' || impl === 'rnnkit-wasm' || impl === 'rnnkit-js') {
    // rnnkit: the default backend (native where it is built); the others force the WASM or JS kernels.
    if (impl !== 'rnnkit') setBackend(impl === 'rnnkit-js' ? 'js' : 'wasm');
    times = benchRnnkit(w, steps);
  } else if (impl === 'tfjs-cpu' || impl === 'tfjs-wasm') {
    times = await benchTfjs(await loadTfjs(impl === 'tfjs-cpu' ? 'cpu' : 'wasm'), w, steps);
  } else if (impl === 'onnxruntime') {
    times = await benchOnnxruntime(w, steps);
  } else {
    throw new Error(`unknown implementation ${impl}`);
  }
  process.stdout.write(JSON.stringify({ impl, workload: id, times, backend: getBackend() }) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
