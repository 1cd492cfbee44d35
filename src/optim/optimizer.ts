import type { Param } from '../core/param';

/**
 * Serializable optimizer state (for checkpoints): step counter and moment buffers. getState gives
 * plain arrays (JSON-friendly); setState also takes typed arrays (binary checkpoints).
 */
export interface OptimizerState {
  step: number;
  slots: Record<string, ArrayLike<number>[]>;
}

export interface Optimizer {
  readonly name: string;
  /** Current learning rate; schedules set it before each epoch. */
  lr: number;
  step(params: Param[]): void;
  getState(): OptimizerState;
  /** The state without copying the moment buffers, for writing at once (valid until the next step). */
  peekState?(): OptimizerState;
  setState(state: OptimizerState): void;
}
