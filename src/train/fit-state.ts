import type { OptimizerState } from '../optim/optimizer';

/*
 * The record of a fit run, on its own so that fit (which writes checkpoints) and checkpoint
 * (which stores this state) both depend on it rather than on each other.
 */

export interface History {
  loss: number[];
  valLoss: number[];
  lr: number[];
  /** Mean global gradient norm (before clipping) per epoch. */
  gradNorm: number[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** True when fitAsync was stopped by its signal before the last epoch. */
  interrupted: boolean;
}

/** Everything a run needs to continue exactly where it stopped (saved in checkpoints). */
export interface FitState {
  /** Epoch in progress (0-based). */
  epoch: number;
  /** Start, within `order`, of the next batch of this epoch (0: the epoch has not started). */
  batchStart: number;
  order: number[];
  shuffleRng: number[];
  modelRng: number[];
  optimizer: OptimizerState;
  lr: number;
  step: number;
  epochLossSum: number;
  epochCount: number;
  epochNormSum: number;
  epochBatches: number;
  history: History;
  best: number;
  sinceBest: number;
  /** Weights of the best epoch, for early stopping with restoreBest. */
  bestWeights: ArrayLike<number>[] | null;
  elapsedSeconds: number;
  finished: boolean;
}
