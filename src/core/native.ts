/**
 * Optional native inference kernel (native/, built by `npm run build:native` with node-gyp):
 * AVX2+FMA GEMMs and gate math for recurrent layers and dense heads, the batch split over two
 * threads. Used only for forward passes that need no backward (Sequential.predict and friends);
 * training stays on the WASM/JS kernels.
 * Falls back silently when the addon is not built, the CPU lacks AVX2/FMA, or RNNKIT_NATIVE=0.
 */
import * as path from 'path';

export interface NativeKernel {
  /** `cell` uses the WASM kernels' codes (WASM_CELL: rnn tanh 0, rnn relu 1, lstm 2, gru 3). */
  forward(
    cell: number, B: number, T: number, I: number, H: number, reverse: number, threads: number,
    x: Float32Array, wIh: Float32Array, wHh: Float32Array, bIh: Float32Array, bHh: Float32Array,
    lengths: Int32Array, h: Float32Array, c: Float32Array | null, y: Float32Array,
  ): void;
  /** y[M x N] = x[M x K]·wᵀ + b (w is [N x K], as in torch.nn.Linear). */
  linear(M: number, N: number, K: number, threads: number, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array): void;
  supported(): boolean;
}

export const NATIVE_ADDON_PATH = path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'rnnkit_native.node');

let kernel: NativeKernel | null | undefined;
let enabled = process.env.RNNKIT_NATIVE !== '0';

function load(): NativeKernel | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const k = require(NATIVE_ADDON_PATH) as NativeKernel;
    return k.supported() ? k : null;
  } catch {
    return null;
  }
}

/** The native kernel when it is built, supported by this CPU and enabled; otherwise null. */
export function nativeKernel(): NativeKernel | null {
  if (!enabled) return null;
  if (kernel === undefined) kernel = load();
  return kernel;
}

/** Turns native inference on or off (e.g. to compare against the WASM kernels). */
export function setNativeInference(on: boolean): void {
  enabled = on;
}

export function nativeInferenceAvailable(): boolean {
  return nativeKernel() !== null;
}
