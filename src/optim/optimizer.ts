import type { Param } from '../core/param';

/** Serializable optimizer state (for checkpoints): step counter and moment buffers. */
export interface OptimizerState {
  step: number;
  slots: Record<string, number[][]>;
}

export interface Optimizer {
  readonly name: string;
  /** Current learning rate; schedules set it before each epoch. */
  lr: number;
  step(params: Param[]): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}
