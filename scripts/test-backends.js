/**
 * Runs the engine's jest suites (everything but the notebooks, the pack-and-install test, the demo and the corpus parts' synthesis) once per kernel backend:
 * RNNKIT_BACKEND=js, wasm and native (native only where the addon is built and the CPU has
 * AVX2+FMA). Extra arguments go to jest, e.g. `npm run test:backends -- test/training.test.ts`.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

function nativeBuilt() {
  try {
    return require(path.join(__dirname, '..', 'native', 'build', 'Release', 'rnnkit_native.node')).supported();
  } catch {
    return false;
  }
}

const backends = ['js', 'wasm', ...(nativeBuilt() ? ['native'] : [])];
if (backends.length < 3) console.warn('native kernels not built or not supported here: testing js and wasm only');
const jest = require.resolve('jest/bin/jest');
const failed = backends.filter((b) => {
  console.log(`\n== RNNKIT_BACKEND=${b}`);
  // the ignore option last: it takes every argument after it as another pattern
  const r = spawnSync(process.execPath, [jest, ...process.argv.slice(2), '--testPathIgnorePatterns', 'notebooks|package-install|demo-|speech-corpus-parts'], {
    stdio: 'inherit',
    env: { ...process.env, RNNKIT_BACKEND: b },
  });
  return r.status !== 0;
});
if (failed.length) {
  console.error(`failed with RNNKIT_BACKEND=${failed.join(', ')}`);
  process.exit(1);
}
