/**
 * Ready-made figures for the things one looks at when training recurrent networks. Each builder
 * returns a plain Plotly figure (to adjust before showing); the show* functions display it.
 */
import type { GradientNormReport } from '../diagnostics';
import type { History } from '../train/fit-state';
import { show, type Figure } from './figure';

const BLUES = [[0, '#f7fbff'], [0.5, '#6baed6'], [1, '#08306b']];
const axis = (text: string, extra: object = {}) => ({ title: { text }, ...extra });
const steps = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => i * scale);

/** Loss and val_loss per epoch, the learning rate on a second axis. */
export function historyFigure(history: Pick<History, 'loss'> & Partial<History>, title = 'Training history'): Figure {
  const epochs = history.loss.map((_, i) => i + 1);
  const data: object[] = [{ x: epochs, y: history.loss, name: 'loss', mode: 'lines+markers' }];
  if (history.valLoss?.length) data.push({ x: epochs, y: history.valLoss, name: 'val_loss', mode: 'lines+markers' });
  if (history.lr?.length) {
    data.push({ x: epochs, y: history.lr, name: 'lr', mode: 'lines', yaxis: 'y2', line: { dash: 'dot', color: 'grey' } });
  }
  return {
    data,
    layout: {
      title: { text: title }, xaxis: axis('epoch'), yaxis: axis('loss', { type: 'log' }),
      yaxis2: axis('learning rate', { overlaying: 'y', side: 'right', type: 'log', showgrid: false }),
    },
  };
}

/** ||dL/dh_t|| per time step: a report of gradientNormsPerStep, or named series. */
export function gradientNormsFigure(norms: GradientNormReport | Record<string, ArrayLike<number>>, title = 'Gradient reaching each time step'): Figure {
  const series = 'layers' in norms && Array.isArray(norms.layers)
    ? Object.fromEntries((norms as GradientNormReport).layers.flatMap((l) =>
      l.directions.map((d, k) => [`layer ${l.layer} ${l.type}${l.directions.length > 1 ? (k ? ' backward' : ' forward') : ''}`, d])))
    : (norms as Record<string, ArrayLike<number>>);
  return {
    data: Object.entries(series).map(([name, v]) => ({ x: steps(v.length), y: Array.from(v), name, mode: 'lines' })),
    layout: { title: { text: title }, xaxis: axis('t'), yaxis: axis('||dL/dh_t||', { type: 'log', exponentformat: 'power' }) },
  };
}

/** A recording over time (at most ~4000 points drawn). */
export function waveformFigure(samples: ArrayLike<number>, sampleRate: number, title = 'Waveform'): Figure {
  const every = Math.max(1, Math.ceil(samples.length / 4000));
  const n = Math.floor(samples.length / every);
  return {
    data: [{ x: steps(n, every / sampleRate), y: Array.from({ length: n }, (_, i) => samples[i * every]), mode: 'lines', line: { width: 1 } }],
    layout: { title: { text: title }, xaxis: axis('seconds'), yaxis: axis('amplitude') },
  };
}

/** Rows of a frame-major [frames, dims] matrix, as a heatmap's z (one row per dimension). */
export function byDimension(data: ArrayLike<number>, frames: number, dims: number, rows = dims): number[][] {
  return Array.from({ length: rows }, (_, d) => Array.from({ length: frames }, (_, t) => data[t * dims + d]));
}

/** MFCC (or any frame-major feature matrix) as a heatmap over time. */
export function mfccFigure(
  features: { frames: number; data: ArrayLike<number> }, dims: number,
  opts: { title?: string; framesPerSecond?: number; rows?: number; colorscale?: string } = {},
): Figure {
  const rows = opts.rows ?? dims;
  const colors = opts.colorscale ? { colorscale: opts.colorscale } : { colorscale: 'RdBu', zmid: 0 };
  return {
    data: [{
      type: 'heatmap', z: byDimension(features.data, features.frames, dims, rows),
      x: steps(features.frames, 1 / (opts.framesPerSecond ?? 100)), ...colors,
    }],
    layout: { title: { text: opts.title ?? `MFCC (${rows} × ${features.frames} frames)` }, xaxis: axis('seconds'), yaxis: axis('coefficient') },
  };
}

/**
 * Per-class CTC posteriors over time from a model's output for one sequence ([steps, classes],
 * frame-major; `logits` are turned into probabilities with a softmax). Classes that never reach
 * `minPeak` (default 0.05) are left out, so the legend lists what the model considered.
 */
export function ctcPosteriorsFigure(
  output: { data: ArrayLike<number>; steps: number }, labels: readonly string[],
  opts: { logits?: boolean; title?: string; framesPerSecond?: number; minPeak?: number } = {},
): Figure {
  const C = labels.length;
  const probs = Array.from({ length: output.steps }, (_, t) => {
    const row = Array.from({ length: C }, (_, c) => output.data[t * C + c]);
    if (opts.logits === false) return row;
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
  const x = steps(output.steps, 1 / (opts.framesPerSecond ?? 50));
  return {
    data: labels
      .map((label, c) => ({ x, y: probs.map((p) => p[c]), name: label, mode: 'lines' }))
      .filter((trace) => Math.max(...trace.y) >= (opts.minPeak ?? 0.05)),
    layout: { title: { text: opts.title ?? 'CTC posteriors per class' }, xaxis: axis('seconds'), yaxis: axis('probability', { range: [0, 1.02] }) },
  };
}

/** Attention weights: rows are output tokens, columns source tokens. */
export function attentionFigure(weights: number[][], source: readonly string[], output: readonly string[], title = 'Attention weights'): Figure {
  return {
    data: [{
      type: 'heatmap', z: weights, x: source.map((w, i) => `${i}:${w}`), y: output.map((d, i) => `${i + 1}: ${d}`),
      colorscale: BLUES, zmin: 0, zmax: 1,
    }],
    layout: { title: { text: title }, yaxis: { autorange: 'reversed' }, margin: { l: 80 } },
  };
}

export interface Series {
  x?: readonly (number | string)[];
  y: ArrayLike<number>;
  /** Trace name of the observed series (default 'actual'). */
  name?: string;
  /** Plotly line style, e.g. { dash: 'dot' }. */
  line?: object;
}

/** Observed values and one or more forecasts of them. */
export function forecastFigure(actual: Series, forecasts: Record<string, Series>, title = 'Forecast vs actual'): Figure {
  const trace = (s: Series, name: string, line: object) => ({ x: s.x ?? steps(s.y.length), y: Array.from(s.y), name, mode: 'lines', line });
  return {
    data: [
      trace(actual, actual.name ?? 'actual', { color: 'black', ...actual.line }),
      ...Object.entries(forecasts).map(([name, s]) => trace(s, name, s.line ?? {})),
    ],
    layout: { title: { text: title } },
  };
}

/** `showX(...)` builds the figure and shows it; for another size, `show(xFigure(...), { height })`. */
const shower = <A extends unknown[]>(build: (...a: A) => Figure) => (...args: A): void => show(build(...args));
export const showHistory = shower(historyFigure);
export const showGradientNorms = shower(gradientNormsFigure);
export const showWaveform = shower(waveformFigure);
export const showMfcc = shower(mfccFigure);
export const showCtcPosteriors = shower(ctcPosteriorsFigure);
export const showAttention = shower(attentionFigure);
export const showForecast = shower(forecastFigure);
