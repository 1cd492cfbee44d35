/**
 * The optional native addon (native/, built by `npm run build:native` with node-gyp): AVX2+FMA
 * kernels (AVX-512 matrix products where the CPU has them; RNNKIT_NATIVE_ISA=avx2 forces AVX2) for recurrent sequences (forward with or without the backward caches, backward), general
 * matrix products and the dense product, with the work split over two threads.
 * Absent when the addon is not built or the CPU lacks AVX2/FMA; rnnkit then uses the WASM kernels.
 */
import * as path from 'path';

export interface NativeAddon {
  /** cs is null for cells without a memory cell; cache null for inference (hs, cs then [B·H], in place). */
  forward(
    cell: number, gates: number, cacheBlocks: number, B: number, T: number, I: number, H: number, reverse: number, threads: number,
    x: Float32Array, wIh: Float32Array, wHh: Float32Array, bIh: Float32Array, bHh: Float32Array,
    hs: Float32Array, cs: Float32Array | null, cache: Float32Array | null, y: Float32Array, lengths: Int32Array,
  ): void;
  backward(
    cell: number, gates: number, cacheBlocks: number, B: number, T: number, H: number, reverse: number, threads: number,
    hs: Float32Array, cs: Float32Array | null, cache: Float32Array, dy: Float32Array | null, wHh: Float32Array,
    dh: Float32Array, dc: Float32Array | null, dxg: Float32Array, dhg: Float32Array, norms: Float32Array, dbIh: Float32Array, dbHh: Float32Array,
    lengths: Int32Array,
  ): void;
  /** C[cOff + i·ldc + j] += Σ_k A[aOff + i·ars + k·acs] · B[bOff + j·bns + k·bks]. */
  gemm(
    M: number, N: number, K: number, threads: number, aOff: number, ars: number, acs: number,
    bOff: number, bns: number, bks: number, cOff: number, ldc: number, A: Float32Array, B: Float32Array, C: Float32Array,
  ): void;
  /** y[M x N] = x[M x K]·wᵀ + b (w is [N x K], as in torch.nn.Linear). */
  linear(M: number, N: number, K: number, threads: number, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array): void;
  /** y = scale · softmax of each of the R rows of x [R x C]; logZ[r] the row's log-sum-exp. */
  softmax(R: number, C: number, x: Float32Array, y: Float32Array, logZ: Float32Array, scale: number): void;
  supported(): boolean;
  /** The kernels this process runs, chosen once: 'avx512' where the CPU has it unless RNNKIT_NATIVE_ISA=avx2, else 'avx2'. */
  isa(): 'avx2' | 'avx512';
}

export const NATIVE_ADDON_PATH = path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'rnnkit_native.node');

let addon: NativeAddon | null | undefined;

/** The addon when it is built and this CPU supports it; otherwise null. */
export function nativeAddon(): NativeAddon | null {
  if (addon === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const a = require(NATIVE_ADDON_PATH) as NativeAddon;
      addon = a.supported() ? a : null;
    } catch {
      addon = null;
    }
  }
  return addon;
}
