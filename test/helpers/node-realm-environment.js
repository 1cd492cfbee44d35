// Jest runs tests in a separate V8 context, whose Float32Array is not the one native
// addons such as onnxruntime-node check against. Sharing the host's typed-array
// constructors makes arrays created in tests acceptable to them. The context's import() also
// fails without --experimental-vm-modules, so Node's own is lent for loading ES-module-only
// packages (src/speech/engines/load-esm.ts).
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
    this.global.nodeImport = (specifier) => import(specifier);
  }
}

module.exports = NodeRealmEnvironment;
