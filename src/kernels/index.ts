/**
 * The kernel seam: which backend runs every matrix product and recurrent loop. One switch,
 * `setBackend` or the RNNKIT_BACKEND environment variable (js | wasm | native); by default native
 * when the addon is built and the CPU has AVX2+FMA, else wasm when its module loads, else js.
 * float64 models always run on the JS kernels (the gradient checks rely on float64 accuracy).
 */
import type { DType } from '../core/dtype';
import { jsKernels } from './js';
import { loadNativeKernels } from './native';
import type { Backend, Kernels } from './types';
import { wasmAvailable, wasmKernels } from './wasm';

export type { Backend, Kernels } from './types';

const BACKENDS: readonly Backend[] = ['js', 'wasm', 'native'];

/** The kernels of a backend, or null when it cannot run here. */
function load(b: Backend): Kernels | null {
  if (b === 'native') return loadNativeKernels();
  if (b === 'wasm') return wasmAvailable() ? wasmKernels : null;
  return jsKernels;
}

const WHY_MISSING: Record<Backend, string> = {
  js: '',
  wasm: 'the WebAssembly SIMD kernel is not available: run `npm run build` (needs build/rnnkit-simd.wasm)',
  native: 'the native kernel is not available: it needs `npm run build:native` in a checkout or `npm rebuild rnnkit` where rnnkit is installed (a C compiler and node-gyp) and a CPU with AVX2 and FMA',
};

function loadOrExplain(b: Backend): Kernels {
  const k = load(b);
  if (!k) throw new Error(WHY_MISSING[b]);
  return k;
}

function fromEnvironment(): Kernels | null {
  const name = process.env.RNNKIT_BACKEND;
  if (!name) return null;
  if (!BACKENDS.includes(name as Backend)) throw new Error(`RNNKIT_BACKEND must be one of ${BACKENDS.join(', ')}, got '${name}'`);
  return loadOrExplain(name as Backend);
}

let selected: Kernels | null = null;

function active(): Kernels {
  selected ??= fromEnvironment() ?? load('native') ?? load('wasm') ?? jsKernels;
  return selected;
}

/** The backend float32 work runs on. */
export function getBackend(): Backend {
  return active().name;
}

/** Selects the backend; throws, saying what is missing, when it cannot run here. */
export function setBackend(b: Backend): void {
  if (!BACKENDS.includes(b)) throw new Error(`backend must be one of ${BACKENDS.join(', ')}, got '${String(b)}'`);
  selected = loadOrExplain(b);
}

/** Whether a backend can run on this machine (its module built, the CPU supported). */
export function backendAvailable(b: Backend): boolean {
  return load(b) !== null;
}

/** The kernels for data of this dtype: the selected backend, or JS for float64. */
export function kernelsFor(dtype: DType): Kernels {
  return dtype === 'float64' ? jsKernels : active();
}
