/**
 * show(figure): one notebook output holding the figure as PNG (rendered by plotly.js in headless
 * Chromium; every viewer shows it — GitHub, nbconvert
 * HTML, classic Notebook, JupyterLab, also for untrusted notebooks) and as Plotly JSON (interactive
 * where the front end has a Plotly renderer). SVG is added on request only: nbconvert before 7.7
 * prefers it to PNG and then strips it (an empty box), and untrusted notebooks hide it.
 * Without Chromium the output holds the Plotly JSON and a note saying why there is no image.
 */
import { displayBundle, type MimeBundle } from './display';
import { renderFigure, staticImagesUnavailable } from './renderer';

export interface Figure {
  data: object[];
  layout?: Record<string, unknown>;
}

export interface ShowOptions {
  width?: number;
  height?: number;
  /** Also store the figure as image/svg+xml (vector; see above for where it does not show). */
  svg?: boolean;
  /**
   * Device pixels per CSS pixel of the PNG (default 1; 2 is sharp on high-density screens, at
   * about three times the bytes in the saved notebook). It is shown at width x height either way.
   */
  scale?: number;
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export function figureTitle(fig: Figure): string {
  const title = fig.layout?.title as { text?: string } | string | undefined;
  return (typeof title === 'string' ? title : title?.text) ?? 'figure';
}

export interface FigureOutput {
  data: MimeBundle;
  /** Display size of the PNG (it holds `scale` times as many pixels in each direction). */
  metadata: { 'image/png'?: { width: number; height: number } };
}

/** The MIME bundle of a figure and its metadata (also used by the live training view). */
export function figureOutput(fig: Figure, opts: ShowOptions = {}): FigureOutput {
  const width = opts.width ?? 760;
  const height = opts.height ?? 420;
  const spec = { data: fig.data, layout: { width, height, ...fig.layout } };
  const out: FigureOutput = { data: { [PLOTLY_MIME]: spec }, metadata: {} };
  let note = staticImagesUnavailable();
  if (!note) {
    try {
      const { png, svg } = renderFigure(spec, width, height, { scale: opts.scale ?? 1, svg: opts.svg });
      out.data['image/png'] = png;
      if (svg) out.data['image/svg+xml'] = svg;
      out.metadata['image/png'] = { width, height };
    } catch (e) {
      note = e instanceof Error ? e.message : String(e);
    }
  }
  out.data['text/plain'] = note
    ? `<Figure: ${figureTitle(fig)}> (no static image: ${note}; a front end with a Plotly renderer shows it)`
    : `<Figure: ${figureTitle(fig)}>`;
  return out;
}

/** Displays a figure in the notebook; outside one, prints its text line. */
export function show(fig: Figure, opts: ShowOptions = {}): void {
  const { data, metadata } = figureOutput(fig, opts);
  if (!displayBundle(data, undefined, metadata)) console.log(data['text/plain']);
}
