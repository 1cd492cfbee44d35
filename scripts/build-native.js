/**
 * Builds the optional native kernels (native/) with node-gyp. A machine without a
 * C compiler or Node's headers still gets a working rnnkit (WASM/JS kernels), so a failed
 * build is reported and does not fail `npm run build`.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const nodeGyp = process.env.npm_config_node_gyp || path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = [nodeGyp, 'rebuild', '--directory', path.join(__dirname, '..', 'native')];
if (process.env.npm_config_nodedir) args.push(`--nodedir=${process.env.npm_config_nodedir}`);
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status === 0) {
  console.log('native kernels built (native/build/Release/rnnkit_native.node)');
} else {
  const tail = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-8).join('\n');
  console.warn(`warning: the native kernels did not build; rnnkit will use its WASM/JS kernels.\n${tail || r.error}`);
}
