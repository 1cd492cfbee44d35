import type { History } from './fit-state';

/** Formats seconds as e.g. "45.2s", "3m07s", "1h02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  lr: number;
  seconds: number;
  etaSeconds: number;
}

export function formatEpoch(r: EpochReport): string {
  const parts = [
    `epoch ${r.epoch}/${r.epochs}`,
    `loss ${r.loss.toPrecision(4)}`,
    ...(r.valLoss !== undefined ? [`val_loss ${r.valLoss.toPrecision(4)}`] : []),
    `lr ${r.lr.toPrecision(3)}`,
    formatDuration(r.seconds),
    `ETA ${formatDuration(r.etaSeconds)}`,
  ];
  return parts.join(' - ');
}

/** Where training is after one batch (for progress bars). */
export interface BatchReport {
  /** 1-based epoch in progress, of `epochs`. */
  epoch: number;
  epochs: number;
  /** 1-based batch within the epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Mean loss over this epoch's batches so far. */
  loss: number;
  /** Optimisation steps taken since the start of training. */
  step: number;
  seconds: number;
  etaSeconds: number;
}

/**
 * Hooks into fit/fitAsync (e.g. the notebook's live training view). A callback that shows
 * progress itself sets `showsProgress`, and fit then prints no text lines of its own.
 */
export interface FitCallback {
  readonly showsProgress?: boolean;
  onTrainBegin?(info: { epochs: number; batches: number; samples: number }): void;
  onBatchEnd?(report: BatchReport): void;
  onEpochEnd?(report: EpochReport): void | 'stop';
  onTrainEnd?(history: History): void;
}
