// Entry point of the rnnkit WebAssembly SIMD module.
export { gemm } from './gemm';
export { forward_sequence, backward_sequence } from './recurrent';
