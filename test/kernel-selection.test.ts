// Which backend runs: RNNKIT_BACKEND, else native when the addon is built, else wasm.
type KernelsModule = typeof import('../src/kernels');

const saved = process.env.RNNKIT_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.RNNKIT_BACKEND;
  else process.env.RNNKIT_BACKEND = saved;
});

/** A fresh copy of src/kernels with RNNKIT_BACKEND set to `env`, optionally as if the addon were not built. */
function freshKernels(env: string | undefined, nativeBuilt: boolean): KernelsModule {
  if (env === undefined) delete process.env.RNNKIT_BACKEND;
  else process.env.RNNKIT_BACKEND = env;
  let k: KernelsModule | undefined;
  jest.isolateModules(() => {
    if (!nativeBuilt) jest.doMock('../src/kernels/native-addon', () => ({ nativeAddon: () => null }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    k = require('../src/kernels') as KernelsModule;
  });
  return k!;
}

it('falls back quietly to wasm when the native addon is not built', () => {
  const k = freshKernels(undefined, false);
  expect(k.getBackend()).toBe('wasm');
  expect(k.backendAvailable('native')).toBe(false);
});

it('RNNKIT_BACKEND picks the backend', () => {
  expect(freshKernels('js', true).getBackend()).toBe('js');
  expect(freshKernels('wasm', true).getBackend()).toBe('wasm');
});

it('RNNKIT_BACKEND=native without the addon fails and says what it needs', () => {
  const k = freshKernels('native', false);
  expect(() => k.getBackend()).toThrow(/npm run build:native/);
  expect(() => k.setBackend('native')).toThrow(/AVX2 and FMA/);
});

it('an unknown RNNKIT_BACKEND is refused', () => {
  expect(() => freshKernels('gpu', true).getBackend()).toThrow(/RNNKIT_BACKEND must be one of js, wasm, native, got 'gpu'/);
});
