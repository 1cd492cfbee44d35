/**
 * Builds the optional native kernels (native/) with node-gyp. A machine without a
 * C compiler or Node's headers still gets a working rnnkit (WASM/JS kernels), so a failed
 * build is reported and never fails `npm run build` or an install.
 *
 * `node scripts/build-native.js`: the checkout's build; a failure is reported with node-gyp's last lines.
 * `node scripts/build-native.js --install`: the package's install script (no devDependencies, nothing
 * else to build: dist/ and the WASM module ship prebuilt); prints one line either way and always exits 0.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const ADDON = 'native/build/Release/rnnkit_native.node';

/** npm hands its bundled node-gyp to scripts in npm_config_node_gyp; else npm's copy next to node, else a local one. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: fine, npm's copy is the usual one
  }
  return candidates.find((c) => c && fs.existsSync(c));
}

/** The tools node-gyp needs on a Unix machine; null when all are there, else what is missing. */
function missingTool() {
  if (process.platform === 'win32') return null; // node-gyp finds Visual Studio itself
  const compiler = (process.env.CC || 'cc').trim().split(/\s+/)[0]; // CC may carry flags ("ccache gcc")
  for (const tool of [compiler, 'make', process.env.PYTHON || 'python3']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) return tool === compiler ? `no C compiler (${compiler})` : `no ${tool}`;
  }
  return null;
}

/** npm's nodedir setting, else the running node's own headers when installed (node-gyp would download them). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.join(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? prefix : null;
}

function build(nodeGyp) {
  const args = [nodeGyp, 'rebuild', '--directory', path.join(ROOT, 'native')];
  const dir = nodeDir();
  if (dir) args.push(`--nodedir=${dir}`);
  // a bounded wait: node-gyp downloading headers through a dead network must not hang an install
  return spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 10 * 60 * 1000 });
}

function buildForCheckout() {
  const nodeGyp = findNodeGyp();
  const r = nodeGyp ? build(nodeGyp) : { status: 1, error: 'node-gyp not found' };
  if (r.status === 0) {
    console.log(`native kernels built (${ADDON})`);
  } else {
    const tail = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-8).join('\n');
    console.warn(`warning: the native kernels did not build; rnnkit will use its WASM/JS kernels.\n${tail || r.error}`);
  }
}

/** Why the install step leaves rnnkit on the WASM kernels, or null when the native ones are built and usable. */
function installProblem() {
  const nodeGyp = findNodeGyp();
  const missing = nodeGyp ? missingTool() : 'node-gyp not found';
  if (missing) return missing;
  const r = build(nodeGyp);
  if (r.status !== 0) {
    const log = path.join(ROOT, 'native', 'build-native.log');
    fs.writeFileSync(log, `${r.stdout || ''}${r.stderr || ''}${r.error || ''}\n`);
    return `node-gyp failed, see ${log}`;
  }
  return require(path.join(ROOT, ADDON)).supported() ? null : 'this CPU lacks AVX2 or FMA';
}

function buildOnInstall() {
  // In a checkout (the package does not ship tsconfig.json) `prepare` runs the full build, native included.
  if (fs.existsSync(path.join(ROOT, 'tsconfig.json'))) return;
  const problem = installProblem();
  if (!problem) console.log(`rnnkit: native kernels built (${ADDON})`);
  else console.log(`rnnkit: native kernels not built (${problem}); using the WASM kernels`);
}

if (process.argv.includes('--install')) {
  try {
    buildOnInstall();
  } catch (err) {
    console.log(`rnnkit: native kernels not built (${err.message}); using the WASM kernels`);
  }
  process.exitCode = 0;
} else {
  buildForCheckout();
}
