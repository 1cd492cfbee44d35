/**
 * The "TypeScript (rnnkit)" kernel: starts tslab so that `rnnkit` and `rnnkit/notebook` resolve
 * to the rnnkit that registered the kernel, from a notebook in any folder — at run time (Node's
 * module resolution) and for tslab's type checker (its TypeScript sees this package as
 * <notebook folder>/node_modules/rnnkit).
 * Usage (from kernel.json): node kernel.js <tslab package dir> <connection file>
 */
import Module from 'node:module';
import { join, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const NAME = 'rnnkit';

/** Node: requests for rnnkit[/…] resolve through the package's own `exports` (self-reference). */
function redirectRequire(): void {
  const self = Module.createRequire(join(ROOT, 'package.json'));
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  let resolving = false; // self.resolve comes back through this hook
  m._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (resolving || !(request === NAME || request.startsWith(`${NAME}/`))) return original.call(this, request, ...rest);
    resolving = true;
    try {
      return self.resolve(request);
    } finally {
      resolving = false;
    }
  };
}

interface TsSys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
  readDirectory(p: string, ...rest: unknown[]): string[];
}

/** tslab's TypeScript: <cwd>/node_modules/rnnkit/… is read from this package (real paths after realpath). */
function redirectTypes(tslabDir: string): void {
  const ts = Module.createRequire(join(tslabDir, 'package.json'))('@tslab/typescript-for-tslab') as { sys: TsSys };
  const virtual = join(process.cwd(), 'node_modules', NAME);
  const map = (p: string): string => (p === virtual || p.startsWith(virtual + sep) || p.startsWith(`${virtual}/`) ? ROOT + p.slice(virtual.length) : p);
  const sys = ts.sys;
  // (tslab itself makes <cwd>/node_modules appear to exist, for its own `import 'tslab'`.)
  for (const key of ['fileExists', 'directoryExists', 'readFile', 'realpath', 'getDirectories', 'readDirectory'] as const) {
    const original = sys[key] as ((p: string, ...rest: unknown[]) => unknown) | undefined;
    if (!original) continue;
    (sys as unknown as Record<string, unknown>)[key] = (p: string, ...rest: unknown[]) => original.call(sys, map(p), ...rest);
  }
}

function main(): void {
  const [tslabDir, connectionFile] = process.argv.slice(2);
  if (!tslabDir || !connectionFile) {
    console.error('usage: node kernel.js <tslab package dir> <connection file> (see `rnnkit notebook-setup`)');
    process.exit(2);
  }
  redirectRequire();
  redirectTypes(tslabDir);
  const tslab = Module.createRequire(join(tslabDir, 'package.json'));
  const { startKernel } = tslab('./dist/main.js') as { startKernel: (o: object) => void };
  const { getVersion } = tslab('./dist/util.js') as { getVersion: () => string };
  // enableFindLocal false: a tslab in the notebook's folder would bypass the redirections above.
  startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false, globalVersion: getVersion() });
}

main();
