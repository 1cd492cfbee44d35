/**
 * rnnkit in a user's own notebook: `rnnkit notebook-setup` registers the "TypeScript (rnnkit)"
 * kernel (here into a temporary Jupyter data folder, so other registrations on the machine do not
 * matter), and a new notebook in an empty folder imports 'rnnkit' and 'rnnkit/notebook', trains
 * with the live view, and shows its history and summary: run headless, saved with PNG images.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkJupyter } from '../scripts/run-notebooks';
import { errors, outputs, readNotebook, text, type Notebook } from './helpers/notebook-file';
import { pngSize } from './helpers/png';
import { runProcess } from './helpers/run-process';
import { tempDir } from './helpers/temp-dir';

const ROOT = path.join(__dirname, '..');
const tmp = tempDir('rnnkit-kernel-');
const dataDir = path.join(tmp, 'jupyter-data');
const folder = path.join(tmp, 'my notebooks');
const file = path.join(folder, 'first.ipynb');
// Only the temporary data folder and the machine's own kernelspecs: no JUPYTER_PATH of the caller.
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'JUPYTER_PATH')), JUPYTER_DATA_DIR: dataDir };

const CELLS = [
  `import { Sequential, fit, mse, adam, addingProblem } from 'rnnkit';
import { liveTraining, showHistory, summary } from 'rnnkit/notebook';

const train = addingProblem(512, 30, 1);
const validation = addingProblem(128, 30, 2);
const model = new Sequential({
  inputFeatures: 2, seed: 1,
  layers: [{ type: 'gru', hiddenSize: 16, returnSequences: false }, { type: 'dense', units: 1 }],
});
summary(model);
// The types come from rnnkit too (not 'any'): this line must not type-check.
// @ts-expect-error a string is not a model
const notAModel = () => summary('model');`,
  `const live = liveTraining({ refreshSeconds: 0.2 });
const history = fit(model, train, {
  loss: mse(), optimizer: adam({ lr: 0.01 }), epochs: 3, batchSize: 16,
  validation: validation, callbacks: [live], // (tslab: no shorthand for an earlier cell's variable)
});`,
  `showHistory(history);
console.log(\`updates: \${live.updates}\`);`,
];

function newNotebook(cells: string[]): object {
  return {
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'rnnkit', display_name: 'TypeScript (rnnkit)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

let setup: { code: number; out: string; err: string };
let nb: Notebook;

beforeAll(async () => {
  checkJupyter();
  // A registration made from another checkout, which the setup replaces and names.
  const other = path.join(dataDir, 'kernels', 'rnnkit');
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, 'kernel.json'), JSON.stringify({
    argv: ['node', '/elsewhere/rnnkit/dist/notebook/kernel.js'], display_name: 'TypeScript (rnnkit)', language: 'typescript',
    metadata: { rnnkit: { root: '/elsewhere/rnnkit' } },
  }));
  setup = await runProcess(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'notebook-setup'], { cwd: tmp, env });
  fs.mkdirSync(folder);
  fs.writeFileSync(file, JSON.stringify(newNotebook(CELLS)));
  const run = await runProcess('/usr/bin/python3', [path.join(ROOT, 'scripts', 'execute-notebook.py'), file, file], { cwd: tmp, env });
  nb = readNotebook(file);
  if (run.code !== 0) throw new Error(`the notebook failed:\n${run.err}${run.out}`);
}, 5 * 60 * 1000);

describe('rnnkit notebook-setup', () => {
  it('registers the kernel for this user, naming the registration it replaces', () => {
    expect(setup).toMatchObject({ code: 0, err: '' });
    expect(setup.out).toContain('replaced the kernel "TypeScript (rnnkit)" of /elsewhere/rnnkit');
    expect(setup.out).toContain(`runs rnnkit from ${ROOT}`);
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'rnnkit', 'kernel.json'), 'utf8'));
    expect(spec).toMatchObject({ display_name: 'TypeScript (rnnkit)', metadata: { rnnkit: { root: ROOT } } });
    expect(spec.argv).toEqual([process.execPath, path.join(ROOT, 'dist', 'notebook', 'kernel.js'), expect.any(String), '{connection_file}']);
  });

  it('--help prints its usage', async () => {
    const r = await runProcess(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'notebook-setup', '--help'], { cwd: tmp, env });
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/^usage:\n {2}rnnkit notebook-setup \[--system\]/) });
  });
});

describe('a new notebook in an empty folder, on the rnnkit kernel', () => {
  it('ran without errors', () => {
    expect(errors(nb)).toEqual([]);
    expect(nb.cells.every((c) => typeof c.execution_count === 'number')).toBe(true);
  });

  it('shows the summary as an HTML table', () => {
    const html = outputs(nb).map((o) => text(o.data?.['text/html'] as string | string[])).find((h) => h.includes('rnnkit-summary'));
    expect(html).toMatch(/<td>gru 16<\/td><td>\(batch, 16\)<\/td>/);
    expect(html).toContain('total (float32)');
  });

  it('kept one live training output, updated in place, ending with the progress bar full and the loss curve', () => {
    const live = nb.cells[1].outputs!.filter((o) => o.output_type === 'display_data');
    expect(live).toHaveLength(1);
    expect(text(live[0].data!['text/plain'] as string[])).toMatch(/^epoch 3\/3 · batch 32\/32 · loss \S+ · val_loss \S+ · \S+ · done$/);
    expect(text(live[0].data!['text/html'] as string[])).toContain('width:100.0%');
    expect(pngSize(live[0].data!['image/png'] as string)).toEqual({ width: 640, height: 300 });
    const updates = /updates: (\d+)/.exec(outputs(nb).map((o) => text(o.text)).join(''));
    expect(Number(updates?.[1])).toBeGreaterThan(1);
  });

  it('shows the training history as a PNG figure (with its Plotly JSON)', () => {
    const figure = nb.cells[2].outputs!.find((o) => o.data?.['image/png']);
    expect(figure?.data?.['application/vnd.plotly.v1+json']).toMatchObject({ data: [{ name: 'loss' }, { name: 'val_loss' }, { name: 'lr' }] });
    expect(pngSize(figure!.data!['image/png'] as string)).toEqual({ width: 760, height: 420 });
    expect(figure?.metadata).toEqual({ 'image/png': { width: 760, height: 420 } });
  });
});
