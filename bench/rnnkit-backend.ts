import { getBackend, setBackend } from '../src/kernels';
import { nativeAddon } from '../src/kernels/native-addon';

/** rnnkit as the bench runs it: its default kernels, or the WASM / pure-JS kernels alone (to show what the faster ones replace). */
export type RnnkitVariant = 'rnnkit' | 'rnnkit-wasm' | 'rnnkit-js';

const ISA_NAME = { avx2: 'AVX2+FMA', avx512: 'AVX-512' } as const;
const DESCRIPTION = { wasm: 'the WASM SIMD kernels', js: 'the JS kernels' } as const;

/** The kernels of a backend; for the native ones, the instruction set the addon chose (RNNKIT_NATIVE_ISA=avx2 forces AVX2). */
function describeKernels(backend: 'native' | 'wasm' | 'js'): string {
  if (backend !== 'native') return DESCRIPTION[backend];
  return `the native ${ISA_NAME[nativeAddon()?.isa() ?? 'avx2']} kernels, 2 threads`;
}

/**
 * The one place the bench chooses rnnkit's kernels: selects the variant's backend (the default
 * one for 'rnnkit') and says which kernels run training and inference.
 */
export function useRnnkitBackend(variant: RnnkitVariant): { training: string; inference: string } {
  if (variant !== 'rnnkit') setBackend(variant === 'rnnkit-js' ? 'js' : 'wasm');
  const kernels = describeKernels(getBackend());
  return { training: kernels, inference: kernels };
}
