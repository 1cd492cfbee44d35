import { getBackend, setBackend } from '../src/kernels';

/** rnnkit as the bench runs it: its default kernels, or the WASM / pure-JS kernels alone (to show what the faster ones replace). */
export type RnnkitVariant = 'rnnkit' | 'rnnkit-wasm' | 'rnnkit-js';

const DESCRIPTION = { native: 'the native AVX2+FMA kernels, 2 threads', wasm: 'the WASM SIMD kernels', js: 'the JS kernels' } as const;

/**
 * The one place the bench chooses rnnkit's kernels: selects the variant's backend (the default
 * one for 'rnnkit') and says which kernels run training and inference.
 */
export function useRnnkitBackend(variant: RnnkitVariant): { training: string; inference: string } {
  if (variant !== 'rnnkit') setBackend(variant === 'rnnkit-js' ? 'js' : 'wasm');
  const kernels = DESCRIPTION[getBackend()];
  return { training: kernels, inference: kernels };
}
