import { gemmStridedA, jsGemmNT, jsRightOperand, linearByGemm } from './js-gemm';
import { inferViaTrainingForward, steppedBackward, steppedForward } from './stepped';
import type { Kernels } from './types';

/** The pure-TS kernels: float32 or float64, the reference for the others. */
const sequenceForward: Kernels['sequenceForward'] = (shape, buf) => steppedForward(shape, buf, jsGemmNT, jsRightOperand);

export const jsKernels: Kernels = {
  name: 'js',
  gemmNT: jsGemmNT,
  gemmNN: (M, N, K, A, aOff, B, bOff, C, cOff) => gemmStridedA(M, N, K, A, aOff, K, 1, B, bOff, C, cOff),
  gemmTN: (M, N, K, A, aOff, B, bOff, C, cOff, lda = M, ldb = N) => gemmStridedA(M, N, K, A, aOff, 1, lda, B, bOff, C, cOff, ldb),
  linear: linearByGemm(jsGemmNT),
  sequenceForward,
  sequenceInference: inferViaTrainingForward(sequenceForward),
  sequenceBackward: (shape, buf) => steppedBackward(shape, buf, jsRightOperand),
};
