/**
 * The package as a user gets it: `npm pack`, `npm install <tarball>` into an empty project, then the
 * CLI through npx and the API from plain JavaScript. Slow (a real npm install from the registry).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startDemoProcess } from './helpers/demo-process';
import { httpRequest, postJson } from './helpers/http-request';
import { runProcess, type ProcessResult } from './helpers/run-process';
import { SAMPLE_AUDIO, sampleClips } from './helpers/sample-clips';
import { tempDir } from './helpers/temp-dir';

const ROOT = path.join(__dirname, '..');
const INSTALL_TIMEOUT = 15 * 60 * 1000;
const tmp = tempDir('rnnkit-package-');
const project = path.join(tmp, 'consumer');
const installed = path.join(project, 'node_modules', 'rnnkit');
const version: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** The outer npm's settings (npm_*) and a chosen backend must not leak into the consumer's commands. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|RNNKIT_)/i.test(k)));

function inProject(file: string, ...args: string[]): Promise<ProcessResult> {
  return runProcess(file, args, { cwd: project, env });
}

/** Plain JavaScript in the consumer project; prints one JSON line. */
async function nodeJson(script: string): Promise<Record<string, unknown>> {
  const r = await inProject(process.execPath, '-e', script);
  expect(r.err).toBe('');
  return JSON.parse(r.out);
}

/** Where the install step must build the native kernels: g++ and a CPU with AVX2 and FMA. */
function nativeExpected(): boolean {
  const cpu = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return !spawnSync('g++', ['--version'], { stdio: 'ignore' }).error && /\bavx2\b/.test(cpu) && /\bfma\b/.test(cpu);
}

function newestMtime(dir: string): number {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return Math.max(...files.map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
}

let packed: { filename: string; size: number; files: { path: string }[] };
let install: ProcessResult;

beforeAll(async () => {
  // Packs what `npm test`'s build made; --ignore-scripts because `prepare` would rebuild dist/ and the
  // native addon under the other test files running now.
  for (const f of ['dist/cli.js', 'build/rnnkit-simd.wasm']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  if (newestMtime(path.join(ROOT, 'src')) > fs.statSync(path.join(ROOT, 'dist', 'cli.js')).mtimeMs) {
    throw new Error('dist/ is older than src/: run npm run build first');
  }
  const pack = await runProcess('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, env });
  expect(pack.code).toBe(0);
  [packed] = JSON.parse(pack.out);

  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // as in this repository: onnxruntime-node's install script would otherwise try to download CUDA files
  fs.writeFileSync(path.join(project, '.npmrc'), 'onnxruntime-node-install-cuda=skip\n');
  // --foreground-scripts shows the install scripts' output (npm hides it otherwise)
  install = await inProject('npm', 'install', '--no-audit', '--no-fund', '--foreground-scripts', path.join(tmp, packed.filename));
}, INSTALL_TIMEOUT);

describe('the packed rnnkit installed as a dependency', () => {
  it('ships the runtime files (dist, the WASM module, the speech model, the native sources, the demo page) and nothing for training', () => {
    const files = packed.files.map((f) => f.path);
    const notebook = ['dist/notebook/index.js', 'dist/notebook/index.d.ts', 'dist/notebook/kernel.js', 'dist/notebook/render-worker.js'];
    for (const f of ['dist/index.js', 'dist/cli.js', 'build/rnnkit-simd.wasm', 'models/speech.onnx', 'native/binding.gyp', 'scripts/build-native.js', 'demo/index.html', 'demo/app.js', ...notebook]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|assembly|notebooks|audio|native\/build)\/|\.map$|^models\/(?!speech\.onnx$)/.test(f))).toEqual([]);
    // the speech model (< 5 MB) and ~0.2 MB of code
    expect(packed.size).toBeLessThan(6 * 1024 * 1024);
  });

  it('installs, and its install step says in one line whether the native kernels were built', () => {
    expect(install.code).toBe(0);
    const lines = install.out.split('\n').filter((l) => l.startsWith('rnnkit: native kernels'));
    expect(lines).toEqual([nativeExpected() ? 'rnnkit: native kernels built (native/build/Release/rnnkit_native.node)' : expect.stringMatching(/using the WASM kernels$/)]);
  });

  it('npx rnnkit transcribe clip.wav prints the transcript', async () => {
    const clip = sampleClips[0];
    fs.copyFileSync(path.join(SAMPLE_AUDIO, clip.file), path.join(project, 'clip.wav'));
    const r = await inProject('npx', '--no', 'rnnkit', 'transcribe', 'clip.wav');
    expect(r.out).toBe(`clip.wav: ${clip.text}\n`);
    expect(r.code).toBe(0);
  });

  it('npx rnnkit demo serves the page, plotly.js and transcriptions from the installed copy', async () => {
    const demo = await startDemoProcess('npx', ['--no', 'rnnkit', 'demo', '--port', '0'], { cwd: project, env });
    try {
      expect((await httpRequest(demo.url)).body).toContain('<title>rnnkit speech demo</title>');
      expect((await httpRequest(`${demo.url}vendor/plotly.min.js`, { method: 'HEAD' })).status).toBe(200);
      const clip = sampleClips[2];
      const { status, json } = await postJson(`${demo.url}api/transcribe`, fs.readFileSync(path.join(SAMPLE_AUDIO, clip.file)));
      expect([status, json.transcript]).toEqual([200, clip.text]);
    } finally {
      await demo.stop(); // npx itself dies of the Ctrl-C (no exit code); the server behind it must be gone soon after
    }
    const gone = async (tries: number): Promise<string> => {
      const answer = await httpRequest(demo.url).then(() => 'still answering', (err: Error) => err.message);
      if (answer !== 'still answering' || tries === 0) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return gone(tries - 1);
    };
    expect(await gone(30)).toMatch(/ECONNREFUSED/);
  });

  it('rnnkit --version, --help and transcribe --help', async () => {
    // `--`: before the command's first argument npx takes --version and --help as its own options
    expect(await inProject('npx', '--no', '--', 'rnnkit', '--version')).toMatchObject({ code: 0, out: `${version}\n` });
    expect(await inProject('npx', '--no', '--', 'rnnkit', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^usage:\n/) });
    expect(await inProject('npx', '--no', 'rnnkit', 'transcribe', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^usage:\n  rnnkit transcribe /) });
    expect(await inProject('npx', '--no', 'rnnkit', 'notebook-setup', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^usage:\n  rnnkit notebook-setup /) });
  });

  it("require('rnnkit/notebook'): a figure as PNG (with Chromium) and Plotly JSON, the live view quiet outside a notebook", async () => {
    const got = await nodeJson(`
      const { figureOutput, liveTraining, findChromium } = require('rnnkit/notebook');
      const { data } = figureOutput({ data: [{ y: [1, 3, 2] }], layout: { title: { text: 't' } } }, { width: 200, height: 150 });
      const png = data['image/png'] ? Buffer.from(data['image/png'], 'base64') : null;
      console.log(JSON.stringify({
        plotly: !!data['application/vnd.plotly.v1+json'], chromium: !!findChromium(),
        pngWidth: png && png.readUInt32BE(16), live: liveTraining().showsProgress,
      }));
      process.exit(0);`);
    expect(got).toEqual({ plotly: true, chromium: got.chromium, pngWidth: got.chromium ? 200 : null, live: false });
  });

  it("TypeScript finds the types of 'rnnkit' and 'rnnkit/notebook' (node10 resolution through typesVersions, node16 through exports)", async () => {
    fs.writeFileSync(path.join(project, 'check.ts'), [
      "import { Sequential } from 'rnnkit';",
      "import { historyFigure, type Figure } from 'rnnkit/notebook';",
      'const model = new Sequential({ inputFeatures: 2, layers: [{ type: "gru", hiddenSize: 4 }] });',
      'const figure: Figure = historyFigure({ loss: [1, 0.5] });',
      'export const checked: [number, number] = [model.parameterCount(), figure.data.length];',
      '',
    ].join('\n'));
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const resolution of [['--module', 'commonjs', '--moduleResolution', 'node10'], ['--module', 'node16', '--moduleResolution', 'node16']]) {
      const r = await inProject(process.execPath, tsc, '--noEmit', '--strict', '--skipLibCheck', ...resolution, 'check.ts');
      expect(r).toMatchObject({ code: 0, out: '' });
    }
  });

  it("require('rnnkit') from plain JavaScript: a model, the transcriber, and the native kernels where they build", async () => {
    const clip = sampleClips[1];
    const got = await nodeJson(`
      const rnnkit = require('rnnkit');
      const model = new rnnkit.Sequential({ inputFeatures: 3, seed: 1, layers: [{ type: 'lstm', hiddenSize: 8 }, { type: 'dense', units: 2 }] });
      const y = model.predict({ data: new Float32Array(2 * 5 * 3).fill(0.5), batch: 2, time: 5, features: 3 });
      rnnkit.Transcriber.load().then(async (t) => {
        const text = await t.transcribeFile(${JSON.stringify(path.join(SAMPLE_AUDIO, clip.file))});
        await t.release();
        const shape = [y.batch, y.time, y.features];
        console.log(JSON.stringify({ shape, text, backend: rnnkit.getBackend(), wasm: rnnkit.backendAvailable('wasm') }));
      });`);
    expect(got).toEqual({ shape: [2, 5, 2], text: clip.text, backend: nativeExpected() ? 'native' : 'wasm', wasm: true });
  });

  it('without a working compiler the install step prints one line, exits 0, and rnnkit runs on WASM', async () => {
    // a copy beside the installed one (its dependencies resolve from the same node_modules), not yet built
    const copy = path.join(project, 'node_modules', 'rnnkit-without-cc');
    fs.cpSync(installed, copy, { recursive: true, filter: (f) => !f.startsWith(path.join(installed, 'native', 'build')) });
    for (const [cc, why] of [['/nonexistent/cc', /no C compiler \(\/nonexistent\/cc\)/], ['false', /node-gyp failed, see .*build-native\.log/]] as const) {
      const r = await runProcess(process.execPath, ['scripts/build-native.js', '--install'], { cwd: copy, env: { ...env, CC: cc } });
      expect(r).toEqual({ code: 0, out: expect.stringMatching(/^rnnkit: native kernels not built \(.*\); using the WASM kernels\n$/), err: '' });
      expect(r.out).toMatch(why);
    }
    expect(fs.readFileSync(path.join(copy, 'native', 'build-native.log'), 'utf8')).toMatch(/gyp ERR!/);
    expect(await nodeJson(`console.log(JSON.stringify({ backend: require('./node_modules/rnnkit-without-cc').getBackend() }))`)).toEqual({ backend: 'wasm' });
  });
});
