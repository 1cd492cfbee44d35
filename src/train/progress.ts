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
