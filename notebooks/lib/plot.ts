/**
 * Plotly figures for notebooks that still show when the saved notebook is opened offline:
 * each figure is rendered once to static SVG by headless Chromium running plotly.js, and the
 * output carries both the SVG and the Plotly JSON (front ends with a Plotly renderer, such as
 * VS Code, show it interactively; every other viewer shows the SVG).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayBundle } from './display';

export interface Figure {
  data: object[];
  layout?: Record<string, unknown>;
}

export interface ShowOptions {
  width?: number;
  height?: number;
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
// Flags from a closed-network machine: without them Chromium keeps trying to reach Google's hosts.
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--virtual-time-budget=20000', '--dump-dom',
];

export function findChromium(): string | null {
  const fromEnv = process.env.RNNKIT_CHROMIUM;
  if (fromEnv) return fromEnv;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function plotlyScriptPath(): string {
  return require.resolve('plotly.js-dist-min');
}

/** Renders a figure to an SVG document with plotly.js in headless Chromium. */
export function renderSvg(fig: Figure, opts: ShowOptions = {}): string {
  const chromium = findChromium();
  if (!chromium) throw new Error('no Chromium found (install Debian package chromium or set RNNKIT_CHROMIUM)');
  const width = opts.width ?? 760;
  const height = opts.height ?? 420;
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-plot-'));
  try {
    const page = join(dir, 'figure.html');
    const spec = JSON.stringify({ data: fig.data, layout: { width, height, ...fig.layout } }).replace(/</g, '\\u003c');
    writeFileSync(
      page,
      `<html><body><div id="g"></div><script src="file://${plotlyScriptPath()}"></script><script>
const fig = ${spec};
function put(id, text) { const pre = document.createElement('pre'); pre.id = id; pre.textContent = text; document.body.appendChild(pre); }
Plotly.newPlot('g', fig.data, fig.layout, { staticPlot: true })
  .then((gd) => Plotly.toImage(gd, { format: 'svg', width: ${width}, height: ${height} }))
  .then((url) => put('svg', decodeURIComponent(url.slice(url.indexOf(',') + 1))))
  .catch((e) => put('error', String(e && e.stack || e)));
</script></body></html>`,
    );
    const dom = execFileSync(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`, page], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const error = /<pre id="error">([\s\S]*?)<\/pre>/.exec(dom);
    if (error) throw new Error(`plotly.js could not draw the figure: ${unescapeHtml(error[1])}`);
    const svg = /<pre id="svg">([\s\S]*?)<\/pre>/.exec(dom);
    if (!svg) throw new Error('Chromium returned no figure (plotly.js did not finish in time)');
    return unescapeHtml(svg[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Displays a figure in the notebook (static SVG plus interactive Plotly JSON). */
export function show(fig: Figure, opts: ShowOptions = {}): void {
  const svg = renderSvg(fig, opts);
  const title = (fig.layout?.title as { text?: string } | string | undefined) ?? 'figure';
  displayBundle(
    {
      'image/svg+xml': svg,
      'application/vnd.plotly.v1+json': { data: fig.data, layout: { width: opts.width ?? 760, height: opts.height ?? 420, ...fig.layout } },
      'text/plain': `<Figure: ${typeof title === 'string' ? title : (title.text ?? 'figure')}>`,
    },
    (display) => display.svg(svg),
  );
}
