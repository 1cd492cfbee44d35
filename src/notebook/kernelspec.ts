/**
 * The "TypeScript (rnnkit)" kernelspec: kernel.json running dist/notebook/kernel.js of this
 * package with a tslab, written to a folder that Jupyter searches.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

export const KERNEL_NAME = 'rnnkit';
export const KERNEL_DISPLAY_NAME = 'TypeScript (rnnkit)';

/** This package's root (dist/notebook/ or src/notebook/ is two levels down). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  metadata: { rnnkit: { root: string; version: string; tslab: string } };
}

/** The tslab package to run: a dependency of this rnnkit, of the current project, or a global install. */
export function findTslab(cwd = process.cwd()): string | null {
  for (const from of [PACKAGE_ROOT, cwd]) {
    try {
      return dirname(require.resolve('tslab/package.json', { paths: [from] }));
    } catch {
      // not there
    }
  }
  try {
    const global = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 'tslab');
    return existsSync(join(global, 'package.json')) ? global : null;
  } catch {
    return null;
  }
}

export function kernelSpec(tslabDir: string, root = PACKAGE_ROOT): KernelSpec {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    argv: [process.execPath, join(root, 'dist', 'notebook', 'kernel.js'), tslabDir, '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    metadata: { rnnkit: { root, version, tslab: tslabDir } },
  };
}

/** Writes <kernelsDir>/rnnkit/kernel.json; returns the kernel's folder. */
export function writeKernelSpec(kernelsDir: string, spec: KernelSpec): string {
  const dir = join(kernelsDir, KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  return dir;
}

/** The rnnkit root a registered kernelspec runs, read from its kernel.json. */
export function kernelRoot(kernelDir: string): string | null {
  try {
    const spec = JSON.parse(readFileSync(join(kernelDir, 'kernel.json'), 'utf8')) as Partial<KernelSpec>;
    return spec.metadata?.rnnkit?.root ?? null;
  } catch {
    return null;
  }
}
