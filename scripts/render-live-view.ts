/**
 * The README's picture of the live training view: trains a small GRU on the adding problem with
 * liveTraining() as it runs in a notebook (tslab's display writer replaced by one that keeps the
 * updates), takes the output as it stood at 60% of training, and screenshots it in headless
 * Chromium. Usage: npm run -s build && node -r @swc-node/register scripts/render-live-view.ts [out.png]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addingProblem, adam, fit, mse, Sequential } from '../src';
import { findChromium, liveTraining } from '../src/notebook';
import { CHROMIUM_FLAGS } from '../src/notebook/chromium';

type Content = { data: Record<string, unknown> };

function main(): void {
  const out = resolve(process.argv[2] ?? join(__dirname, '..', 'docs', 'live-training.png'));
  const updates: string[] = [];
  // The module the kernel sets its writer on (rnnkit/notebook finds it in the module cache).
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: ((c: Content, update: boolean) => void) | null };
  jupyter.lastWriteDisplayData = (c) => void updates.push(String(c.data['text/html']));
  const model = new Sequential({
    inputFeatures: 2, seed: 7,
    layers: [{ type: 'gru', hiddenSize: 32, returnSequences: false }, { type: 'dense', units: 1 }],
  });
  const epochs = 10;
  const live = liveTraining({ refreshSeconds: 0.25, title: 'GRU on the adding problem (T = 50)' });
  let at60 = '';
  fit(model, addingProblem(8192, 50, 1), {
    loss: mse(), optimizer: adam({ lr: 1e-2 }), clipNorm: 1, epochs, batchSize: 32,
    validation: addingProblem(256, 50, 2), callbacks: [live, { onBatchEnd: (r) => {
      if (!at60 && (r.epoch - 1 + r.batch / r.batches) / epochs >= 0.6 && updates.length) at60 = updates[updates.length - 1];
    } }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-live-view-'));
  try {
    const page = join(dir, 'view.html');
    writeFileSync(page, `<!doctype html><html><body style="margin:16px;font-family:sans-serif">${at60}</body></html>`);
    execFileSync(findChromium()!, [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars',
      '--window-size=680,370', `--screenshot=${out}`, `file://${page}`], { stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`wrote ${out} (${updates.length} updates of the live view)`);
  process.exit(0);
}

main();
