/**
 * Executes the notebooks in notebooks/ headless on the "TypeScript (rnnkit)" kernel of this
 * checkout (two at a time) and fails if any cell fails. The project is built first: the kernel
 * resolves 'rnnkit' to this checkout's dist/.
 * Usage: npm run notebooks -- [--out DIR | --in-place] [--no-build] [name-fragment ...]
 *   --in-place  rewrite the committed notebooks with fresh outputs
 *   --out DIR   write executed copies to DIR (default build/notebooks)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { findTslab, kernelSpec, writeKernelSpec } from '../src/notebook/kernelspec';
import { ScriptOptions } from './options';

const root = resolve(__dirname, '..');
const NOTEBOOKS = join(root, 'notebooks');
const PYTHON = '/usr/bin/python3';

export function notebookFiles(filters: string[] = []): string[] {
  return readdirSync(NOTEBOOKS)
    .filter((f) => f.endsWith('.ipynb') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort()
    .map((f) => join(NOTEBOOKS, f));
}

/** Throws with the setup command when Jupyter (nbclient) or tslab is missing. */
export function checkJupyter(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import nbclient, nbformat'], { stdio: 'pipe' });
  } catch (e) {
    const detail = String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n').pop();
    throw new Error(`Jupyter is not set up (${detail}); run: npm run notebooks:setup`);
  }
  if (!findTslab(root)) throw new Error('tslab is not installed: run npm install');
}

/**
 * The environment of a Jupyter that finds this checkout's "TypeScript (rnnkit)" kernel first
 * (build/jupyter on JUPYTER_PATH), whichever checkout registered the user's or the machine's.
 */
export function checkoutKernelEnv(): NodeJS.ProcessEnv {
  const dir = join(root, 'build', 'jupyter');
  writeKernelSpec(join(dir, 'kernels'), kernelSpec(findTslab(root)!, root));
  const path = [dir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter);
  return { ...process.env, JUPYTER_PATH: path, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}

function execute(input: string, output: string, env: NodeJS.ProcessEnv): Promise<{ file: string; ok: boolean; log: string }> {
  return new Promise((done) => {
    const child = spawn(PYTHON, ['-Xfrozen_modules=off', join(root, 'scripts', 'execute-notebook.py'), input, output], {
      cwd: root,
      env,
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => done({ file: input, ok: code === 0, log }));
  });
}

/** Runs `files` with at most `parallel` kernels at once; resolves with the failures. */
export async function runNotebooks(files: string[], outDir: string | null, parallel = 2): Promise<string[]> {
  const queue = [...files];
  const failures: string[] = [];
  if (outDir) mkdirSync(outDir, { recursive: true });
  const env = checkoutKernelEnv();
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const r = await execute(f, outDir ? join(outDir, basename(f)) : f, env);
      process.stdout.write(r.ok ? r.log : `FAILED ${basename(f)}\n${r.log}\n`);
      if (!r.ok) failures.push(basename(f));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failures;
}

async function main(): Promise<void> {
  const options = new ScriptOptions({ values: ['out'], flags: ['in-place', 'no-build'], positionals: true });
  const inPlace = options.flag('in-place');
  const outDir = inPlace ? null : options.path('out', join(root, 'build', 'notebooks'));
  const filters = options.positionals;
  checkJupyter();
  if (!options.flag('no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  const files = notebookFiles(filters);
  if (files.length === 0) throw new Error(`no notebook matches ${filters.join(', ')}`);
  const t0 = Date.now();
  const failures = await runNotebooks(files, outDir);
  console.log(`${files.length - failures.length}/${files.length} notebooks ran in ${((Date.now() - t0) / 1000).toFixed(0)} s` + (outDir ? ` (outputs in ${outDir})` : ''));
  if (failures.length) {
    console.error(`failed: ${failures.join(', ')}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`run-notebooks: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
