/**
 * The page that plotly.js draws figures on inside headless Chromium: loaded once per kernel
 * session, then every figure is one `render(...)` call returning a PNG (base64) and an SVG.
 */
import { CdpPipe } from './cdp-pipe';
import { CHROMIUM_FLAGS } from './chromium';

export interface Rendered {
  png: string;
  svg?: string;
}

const PAGE_SCRIPT = `
async function render(spec, width, height, scale, withSvg) {
  const div = document.createElement('div');
  document.body.appendChild(div);
  try {
    await Plotly.newPlot(div, spec.data, spec.layout, { staticPlot: true });
    const png = await Plotly.toImage(div, { format: 'png', width, height, scale });
    if (!withSvg) return { png: png.slice(png.indexOf(',') + 1) };
    const svg = await Plotly.toImage(div, { format: 'svg', width, height });
    return { png: png.slice(png.indexOf(',') + 1), svg: decodeURIComponent(svg.slice(svg.indexOf(',') + 1)) };
  } finally {
    Plotly.purge(div);
    div.remove();
  }
}`;

export function pageHtml(plotlyScript: string): string {
  return `<!doctype html><html><body><script src="file://${plotlyScript}"></script><script>${PAGE_SCRIPT}</script></body></html>`;
}

export class PlotPage {
  private constructor(private readonly cdp: CdpPipe, private readonly session: string) {}

  get pid(): number | undefined {
    return this.cdp.child.pid;
  }

  /** Starts Chromium (profile in `profileDir`) on the page file and waits for plotly.js. */
  static async open(chromium: string, pageFile: string, profileDir: string): Promise<PlotPage> {
    const cdp = CdpPipe.launch(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, 'about:blank']);
    try {
      const { targetId } = await cdp.send('Target.createTarget', { url: `file://${pageFile}` });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      const page = new PlotPage(cdp, sessionId as string);
      await page.waitForPlotly();
      return page;
    } catch (e) {
      cdp.close();
      throw e;
    }
  }

  /** Polls until plotly.js has loaded (the first evaluations may land on about:blank, mid-navigation). */
  private async waitForPlotly(): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const ready = await this.evaluate('!!(window.Plotly && window.render)').catch(() => false);
      if (ready) return;
      if (Date.now() - t0 > 20_000) throw new Error('plotly.js did not load in Chromium within 20 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  render(spec: object, width: number, height: number, scale: number, svg: boolean): Promise<Rendered> {
    const json = JSON.stringify(spec);
    return this.evaluate(`render(${json}, ${width}, ${height}, ${scale}, ${svg})`) as Promise<Rendered>;
  }

  close(): void {
    this.cdp.close();
  }

  private async evaluate(expression: string): Promise<unknown> {
    const r = await this.cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.session);
    const thrown = r.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined;
    if (thrown) throw new Error(`plotly.js could not draw the figure: ${thrown.exception?.description ?? thrown.text}`);
    return (r.result as { value: unknown }).value;
  }
}
