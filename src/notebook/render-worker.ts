/**
 * Worker thread that owns the kernel session's Chromium: the main thread blocks on a shared flag
 * while this thread renders, which keeps show() synchronous (a cell need not await it) while one
 * browser serves every figure.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerData, type MessagePort } from 'node:worker_threads';
import { pageHtml, PlotPage } from './plot-page';
import type { RenderReply, RenderRequest } from './render-protocol';

const { flag, port, chromium } = workerData as { flag: SharedArrayBuffer; port: MessagePort; chromium: string };
const signal = new Int32Array(flag);
let page: Promise<PlotPage> | null = null;
let dir = '';

/** Profiles left by kernels that were killed (their exit handler never ran), named by their pid. */
function removeStaleProfiles(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^rnnkit-plot-(\d+)-/.exec(name)?.[1];
    if (!pid || isAlive(Number(pid))) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function openPage(): Promise<PlotPage> {
  removeStaleProfiles();
  dir = mkdtempSync(join(tmpdir(), `rnnkit-plot-${process.pid}-`));
  const file = join(dir, 'plot.html');
  writeFileSync(file, pageHtml(require.resolve('plotly.js-dist-min')));
  return PlotPage.open(chromium, file, join(dir, 'profile'));
}

async function handle(req: RenderRequest): Promise<RenderReply> {
  try {
    page ??= openPage();
    const p = await page;
    return { ok: true, ...(await p.render(req.spec, req.width, req.height, req.scale, req.svg)), pid: p.pid, dir };
  } catch (e) {
    // A broken browser is started afresh for the next figure.
    page?.then((p) => p.close(), () => undefined);
    page = null;
    return { ok: false, error: e instanceof Error ? e.message : String(e), dir };
  }
}

port.on('message', (req: RenderRequest) => {
  void handle(req).then((reply) => {
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
