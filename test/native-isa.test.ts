/**
 * The native addon chooses its kernels once per process: AVX-512 where the CPU has it, else AVX2+FMA;
 * RNNKIT_NATIVE_ISA=avx2 forces the AVX2 ones. On an AVX-512 machine every other suite runs the AVX-512
 * kernels, so this one reruns the native suites in a child process on the forced AVX2 path.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { NATIVE_ADDON_PATH, nativeAddon } from '../src/kernels/native-addon';

const ROOT = path.join(__dirname, '..');
const addon = nativeAddon();
const onAvx512 = addon?.isa() === 'avx512';

/** The ISA a fresh process reports with the given RNNKIT_NATIVE_ISA. */
function isaWith(value: string): string {
  const code = `process.stdout.write(require(${JSON.stringify(NATIVE_ADDON_PATH)}).isa())`;
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, RNNKIT_NATIVE_ISA: value }, encoding: 'utf8' });
  return r.stdout;
}

(addon ? it : it.skip)('the addon reports the kernels it runs', () => {
  expect(['avx2', 'avx512']).toContain(addon?.isa());
  expect(isaWith('avx2')).toBe('avx2');
});

(onAvx512 ? it : it.skip)('RNNKIT_NATIVE_ISA other than avx2 keeps the AVX-512 kernels', () => {
  expect(isaWith('')).toBe('avx512');
});

(onAvx512 ? it : it.skip)(
  'the native and backend suites pass on the forced AVX2 path',
  () => {
    const jest = require.resolve('jest/bin/jest');
    const r = spawnSync(process.execPath, [jest, 'test/native.test.ts', 'test/backends.test.ts'], {
      cwd: ROOT,
      env: { ...process.env, RNNKIT_NATIVE_ISA: 'avx2' },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`jest under RNNKIT_NATIVE_ISA=avx2 failed:\n${`${r.stdout}${r.stderr}`.slice(-4000)}`);
  },
  600000,
);
