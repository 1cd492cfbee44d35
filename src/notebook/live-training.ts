/**
 * liveTraining(): a fit/fitAsync callback that keeps ONE notebook output up to date while a model
 * trains — a progress bar with epoch, batch, loss and ETA, and the loss curve redrawn every few
 * seconds — through Jupyter's update_display_data messages. Outside a notebook it does nothing
 * and fit prints its usual text lines.
 */
import { formatDuration, type BatchReport, type EpochReport, type FitCallback } from '../train/progress';
import type { History } from '../train/fit-state';
import { displayBundle, inNotebook, newDisplayId, updateDisplay, type MimeBundle } from './display';
import { figureOutput, type Figure } from './figure';

export interface LiveTrainingOptions {
  /** Seconds between redraws of the loss curve (default 3); the progress line updates more often. */
  refreshSeconds?: number;
  title?: string;
  width?: number;
  height?: number;
}

const TEXT_REFRESH_MS = 250;

interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  valLoss?: number;
  seconds: number;
  etaSeconds: number;
  done: boolean;
}

export function progressLine(p: Progress): string {
  return [
    `epoch ${p.epoch}/${p.epochs}`, `batch ${p.batch}/${p.batches}`, `loss ${Number.isNaN(p.loss) ? '–' : p.loss.toPrecision(4)}`,
    ...(p.valLoss !== undefined ? [`val_loss ${p.valLoss.toPrecision(4)}`] : []),
    formatDuration(p.seconds), p.done ? 'done' : `ETA ${p.batch ? formatDuration(p.etaSeconds) : '?'}`,
  ].join(' · ');
}

/** The view's HTML: the progress line, a bar, and the last drawn curve (PNG). */
export function progressHtml(p: Progress, png?: string, width = 640): string {
  const fraction = p.done ? 1 : ((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches);
  const bar = `<div style="background:#e8e8e8;width:100%;max-width:760px;height:12px;border-radius:3px">`
    + `<div style="background:#1f77b4;width:${(100 * fraction).toFixed(1)}%;height:100%;border-radius:3px"></div></div>`;
  const img = png ? `<img src="data:image/png;base64,${png}" width="${width}" alt="loss curve">` : '';
  return `<div class="rnnkit-live"><pre style="margin:0 0 4px">${progressLine(p)}</pre>${bar}${img}</div>`;
}

export class LiveTraining implements FitCallback {
  readonly showsProgress = inNotebook();
  /** How many times the output was replaced (display updates sent). */
  updates = 0;
  private readonly id = newDisplayId();
  private started = false;
  private lastText = 0;
  private lastCurve = 0;
  private png?: string;
  private progress: Progress = { epoch: 1, epochs: 1, batch: 0, batches: 1, loss: NaN, seconds: 0, etaSeconds: NaN, done: false };
  private readonly batchLoss: { x: number; y: number | null }[] = [];
  private readonly epochLoss: { x: number; loss: number; valLoss?: number }[] = [];

  constructor(private readonly opts: LiveTrainingOptions = {}) {}

  onTrainBegin(info: { epochs: number; batches: number }): void {
    if (!this.showsProgress) return;
    Object.assign(this.progress, { epochs: info.epochs, batches: info.batches });
    this.started = displayBundle(this.bundle(), this.id, this.metadata());
    // The empty chart now: the first drawing starts Chromium (seconds), before fit's clock starts.
    this.refresh(true);
  }

  onBatchEnd(r: BatchReport): void {
    if (!this.showsProgress) return;
    Object.assign(this.progress, { epoch: r.epoch, batch: r.batch, batches: r.batches, loss: r.loss, seconds: r.seconds, etaSeconds: r.etaSeconds });
    // A gap where each epoch starts: the running mean starts over there.
    if (r.batch === 1 && this.batchLoss.length) this.batchLoss.push({ x: r.epoch - 1, y: null });
    this.batchLoss.push({ x: r.epoch - 1 + r.batch / r.batches, y: r.loss });
    this.refresh(false);
  }

  onEpochEnd(r: EpochReport): void {
    if (!this.showsProgress) return;
    this.epochLoss.push({ x: r.epoch, loss: r.loss, valLoss: r.valLoss });
    Object.assign(this.progress, { epoch: r.epoch, batch: this.progress.batches, loss: r.loss, valLoss: r.valLoss, seconds: r.seconds, etaSeconds: r.etaSeconds });
    this.refresh(false);
  }

  onTrainEnd(_history: History): void {
    if (!this.showsProgress) return;
    this.progress.done = true;
    this.refresh(true);
  }

  /** The loss curve so far: the running loss per batch, and loss / val_loss at each epoch's end. */
  figure(): Figure {
    const data: object[] = [
      { x: this.batchLoss.map((p) => p.x), y: this.batchLoss.map((p) => p.y), name: 'loss (epoch so far)', mode: 'lines', line: { color: '#aec7e8' } },
      { x: this.epochLoss.map((p) => p.x), y: this.epochLoss.map((p) => p.loss), name: 'loss', mode: 'lines+markers', line: { color: '#1f77b4' } },
    ];
    if (this.epochLoss.some((p) => p.valLoss !== undefined)) {
      data.push({ x: this.epochLoss.map((p) => p.x), y: this.epochLoss.map((p) => p.valLoss ?? null), name: 'val_loss', mode: 'lines+markers', line: { color: '#ff7f0e' } });
    }
    return {
      data,
      layout: {
        title: { text: this.opts.title ?? 'Training' }, xaxis: { title: { text: 'epoch' }, range: [0, this.progress.epochs] },
        yaxis: { title: { text: 'loss' }, type: 'log' }, margin: { t: 50, b: 50 },
      },
    };
  }

  private refresh(force: boolean): void {
    const now = Date.now();
    if (!this.started || (!force && now - this.lastText < TEXT_REFRESH_MS)) return;
    this.lastText = now;
    if (force || now - this.lastCurve >= 1000 * (this.opts.refreshSeconds ?? 3)) {
      this.lastCurve = now;
      const curve = figureOutput(this.figure(), { width: this.width, height: this.height });
      this.png = curve.data['image/png'] as string | undefined;
    }
    if (updateDisplay(this.bundle(), this.id, this.metadata())) this.updates++;
  }

  private get width(): number {
    return this.opts.width ?? 640;
  }

  private get height(): number {
    return this.opts.height ?? 300;
  }

  private metadata(): object {
    return this.png ? { 'image/png': { width: this.width, height: this.height } } : {};
  }

  private bundle(): MimeBundle {
    const bundle: MimeBundle = {
      'text/html': progressHtml(this.progress, this.png, this.width), 'text/plain': progressLine(this.progress),
    };
    if (this.png) bundle['image/png'] = this.png;
    return bundle;
  }
}

/** `fit(model, data, { ..., callbacks: [liveTraining()] })`: the live view in a notebook. */
export function liveTraining(opts: LiveTrainingOptions = {}): LiveTraining {
  return new LiveTraining(opts);
}
