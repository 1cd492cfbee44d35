type Importer = (specifier: string) => Promise<unknown>;

/**
 * Loads an ES module from this CommonJS build. The @echogarden WebAssembly synthesisers ship
 * as ES modules only, and TypeScript would compile a plain `import()` here to `require()`,
 * which cannot load them; a Function body is left alone. Jest runs test files in a vm context
 * where import() needs --experimental-vm-modules, so the project's test environment
 * (test/helpers/node-realm-environment.js) lends Node's own import() as `nodeImport`.
 */
export const importEsm: Importer =
  (globalThis as { nodeImport?: Importer }).nodeImport ?? (new Function('specifier', 'return import(specifier)') as Importer);
