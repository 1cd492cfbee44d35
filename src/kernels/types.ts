import type { Arr } from '../core/dtype';
import type { Cell } from '../layers/cells';

/**
 * The one interface every kernel backend implements (js.ts, wasm.ts, native.ts; chosen in index.ts).
 * Layers call these and never ask which backend they run on.
 */
export type Backend = 'js' | 'wasm' | 'native';

/** C[M,N] += op(A)·op(B) on flat row-major arrays; offsets address a sub-matrix. */
export type Gemm = (M: number, N: number, K: number, A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number) => void;

/**
 * C[M,N] += A[K,M]ᵀ·B[K,N] where the rows of A lie lda apart and those of B ldb apart (by default M and N;
 * wider when A and B are column blocks of wider matrices, as for the reset-before GRU's dW_hh).
 */
export type GemmTN = (M: number, N: number, K: number, A: Arr, aOff: number, B: Arr, bOff: number, C: Arr, cOff: number, lda?: number, ldb?: number) => void;

/** One recurrent direction over a batch: B sequences of T steps, I inputs, H hidden units. */
export interface SequenceShape {
  cell: Cell;
  B: number;
  T: number;
  I: number;
  H: number;
  reverse: boolean;
}

export interface SequenceWeights {
  /** [G·H, I], [G·H, H], [G·H], [G·H] in PyTorch's layout and gate order. */
  wIh: Arr; wHh: Arr; bIh: Arr; bHh: Arr;
}

/** Training forward: keeps what backward needs. */
export interface ForwardBuffers extends SequenceWeights {
  x: Arr;
  lengths: Int32Array;
  /**
   * States [(T+1)·B·H]: in, row 0 holds the initial state; out, row s+1 the state after the
   * s-th processed step. cs likewise for cells with a memory cell (else empty).
   */
  hs: Arr; cs: Arr;
  /** Out: [T·B·cacheBlocks·H] in processing order (the cell's pointwise values). */
  cache: Arr;
  /** Out: [B·T·H], zero on entry; padded steps stay zero. */
  y: Arr;
}

/** Inference forward: the state [B·H] (h, and c for LSTM) is updated in place; no caches. */
export interface InferenceBuffers extends SequenceWeights {
  x: Arr;
  lengths: Int32Array;
  h: Arr; c: Arr | null;
  /** Out: [B·T·H], zero on entry. */
  y: Arr;
}

export interface BackwardBuffers {
  hs: Arr; cs: Arr; cache: Arr; lengths: Int32Array; wHh: Arr;
  /** dL/dy [B·T·H], or null when only the final state has a gradient. */
  dy: Arr | null;
  /** In: dL/d(final state) [B·H]; out: dL/d(initial state). dc is used for LSTM only. */
  dh: Arr; dc: Arr;
  /** Out: input pre-activation gradients [B·T·G·H] and recurrent ones [T·B·G·H] (processing order). */
  dxg: Arr; dhg: Arr;
  /** Out: ||dL/dh_t|| over the batch, per time step t. */
  norms: Float64Array;
  /** In/out: bias gradients, to which the pass adds. */
  dbIh: Arr; dbHh: Arr;
}

export interface Kernels {
  readonly name: Backend;
  /** C[M,N] += A[M,K]·B[N,K]ᵀ */
  gemmNT: Gemm;
  /** C[M,N] += A[M,K]·B[K,N] */
  gemmNN: Gemm;
  /** C[M,N] += A[K,M]ᵀ·B[K,N] */
  gemmTN: GemmTN;
  /** y[rows, out] = x[rows, in]·wᵀ + b (w is [out, in], as torch.nn.Linear). */
  linear(rows: number, out: number, inp: number, x: Arr, w: Arr, b: Arr, y: Arr): void;
  sequenceForward(shape: SequenceShape, buf: ForwardBuffers): void;
  sequenceInference(shape: SequenceShape, buf: InferenceBuffers): void;
  sequenceBackward(shape: SequenceShape, buf: BackwardBuffers): void;
  /**
   * y[r] = scale · softmax(x[r]) and logZ[r] = log Σ exp(x[r]) for `rows` rows of `cols` float32 values
   * (float32 accuracy); only where it pays (the native kernels), otherwise absent.
   */
  softmaxRows?(rows: number, cols: number, x: Float32Array, scale: number, y: Float32Array, logZ: Float32Array): void;
}
