/**
 * show(figure): one notebook output holding the figure as PNG and SVG (rendered by plotly.js in
 * headless Chromium: every viewer shows one of them — GitHub, nbconvert HTML, classic Notebook,
 * JupyterLab) and as Plotly JSON (interactive where the front end has a Plotly renderer). Without
 * Chromium the output holds the Plotly JSON and a note saying why there is no image.
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
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export function figureTitle(fig: Figure): string {
  const title = fig.layout?.title as { text?: string } | string | undefined;
  return (typeof title === 'string' ? title : title?.text) ?? 'figure';
}

/** The MIME bundle of a figure (also used by the live training view). */
export function figureBundle(fig: Figure, opts: ShowOptions = {}): MimeBundle {
  const width = opts.width ?? 760;
  const height = opts.height ?? 420;
  const spec = { data: fig.data, layout: { width, height, ...fig.layout } };
  const bundle: MimeBundle = { [PLOTLY_MIME]: spec };
  const why = staticImagesUnavailable();
  let note = why;
  if (!why) {
    try {
      const { png, svg } = renderFigure(spec, width, height);
      Object.assign(bundle, { 'image/png': png, 'image/svg+xml': svg });
    } catch (e) {
      note = e instanceof Error ? e.message : String(e);
    }
  }
  bundle['text/plain'] = note
    ? `<Figure: ${figureTitle(fig)}> (no static image: ${note}; a front end with a Plotly renderer shows it)`
    : `<Figure: ${figureTitle(fig)}>`;
  return bundle;
}

/** Displays a figure in the notebook; outside one, prints its text line. */
export function show(fig: Figure, opts: ShowOptions = {}): void {
  const bundle = figureBundle(fig, opts);
  if (!displayBundle(bundle)) console.log(bundle['text/plain']);
}
