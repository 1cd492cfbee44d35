/**
 * `rnnkit notebook-setup`: registers the "TypeScript (rnnkit)" kernel with Jupyter for the current
 * user (machine-wide with `system`), saying which rnnkit an existing registration ran.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTslab, KERNEL_DISPLAY_NAME, KERNEL_NAME, kernelRoot, kernelSpec, PACKAGE_ROOT, writeKernelSpec } from './kernelspec';

export interface SetupOptions {
  system?: boolean;
  jupyter?: string;
  log?: (line: string) => void;
}

function registered(jupyter: string): string | null {
  const out = execFileSync(jupyter, ['kernelspec', 'list', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const specs = (JSON.parse(out) as { kernelspecs: Record<string, { resource_dir: string }> }).kernelspecs;
  return specs[KERNEL_NAME]?.resource_dir ?? null;
}

/** Returns the folder the kernelspec was installed to; throws with what is missing. */
export function notebookSetup(opts: SetupOptions = {}): string {
  const log = opts.log ?? ((line: string) => console.log(line));
  const jupyter = opts.jupyter ?? 'jupyter';
  const tslab = findTslab();
  if (!tslab) throw new Error('tslab is not installed: npm install tslab (in this project, or -g), then run this again');
  let before: string | null;
  try {
    before = registered(jupyter);
  } catch {
    throw new Error(`'${jupyter} kernelspec' does not run: install Jupyter (Debian: jupyter-client jupyter-nbconvert python3-nbclient)`);
  }
  const previousRoot = before ? kernelRoot(before) : null;
  const staging = mkdtempSync(join(tmpdir(), 'rnnkit-kernel-'));
  try {
    const dir = writeKernelSpec(staging, kernelSpec(tslab));
    const scope = opts.system ? [] : ['--user'];
    execFileSync(jupyter, ['kernelspec', 'install', ...scope, '--replace', '--name', KERNEL_NAME, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = registered(jupyter) ?? '?';
  if (previousRoot && previousRoot !== PACKAGE_ROOT) log(`replaced the kernel "${KERNEL_DISPLAY_NAME}" of ${previousRoot}`);
  log(`kernel "${KERNEL_DISPLAY_NAME}" (${installed}) runs rnnkit from ${PACKAGE_ROOT} with tslab from ${tslab}`);
  return installed;
}
