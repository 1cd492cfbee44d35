import { getBackend, setBackend } from '../src/core/gemm';
import { nativeInferenceAvailable, setNativeInference } from '../src/core/native';

/** rnnkit as the bench runs it: its default kernels, or the WASM / pure-JS kernels alone (to show what the faster ones replace). */
export type RnnkitVariant = 'rnnkit' | 'rnnkit-wasm' | 'rnnkit-js';

/**
 * The one place the bench chooses rnnkit's kernels (the kernel layer's switches may be renamed):
 * selects the variant's kernels and says which run training and which run inference.
 */
export function useRnnkitBackend(variant: RnnkitVariant): { training: string; inference: string } {
  setBackend(variant === 'rnnkit-js' ? 'js' : 'wasm');
  setNativeInference(variant === 'rnnkit');
  const kernels = getBackend() === 'wasm' ? 'WASM SIMD kernels' : 'JS kernels';
  return { training: kernels, inference: nativeInferenceAvailable() ? 'the native AVX2+FMA kernel, 2 threads' : kernels };
}
