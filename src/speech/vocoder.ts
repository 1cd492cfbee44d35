import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { peakAbs } from './augment';
import { fitLength, toFloat32 } from './channel';

/**
 * Speech resynthesised through a source-filter vocoder, with Debian's SPTK (apt-get install sptk):
 * mel-cepstral analysis (order 24, all-pass constant 0.42, 25 ms frames every 5 ms), F0 by SWIPE', a
 * pulse train or noise as the excitation, the MLSA filter. Statistical-parametric voices (flite's
 * clustergen, HTS, RHVoice) reach the listener this way, so training voices heard through it (any of
 * them, speech:corpus --vocoded) teach the model a vocoder's smoothed formants and buzz on many speakers,
 * not on the few vocoded voices it has. Synthesising with another all-pass constant than the analysis
 * moves the formants and keeps the pitch: 0.36 raises them ×1.11–1.15, 0.48 lowers them ×0.86–0.89
 * (500–3000 Hz), another vocal tract on the same voice, which resampling (pitch and formants together)
 * cannot give.
 */
export const ANALYSIS_ALPHA = 0.42;
const ORDER = 24;
const FRAME = 400;
const FFT = 512;
const SHIFT = 80;
/**
 * Added to each frame's periodogram (the samples scaled to a 16-bit peak of 2^14): without a floor, the
 * empty top band of speech synthesised at 8 kHz (flite's kal) gets cepstra fitted to nothing, and the
 * resynthesis said other words (kal's "yes", "up", "left" heard as "oh", "yes", "eight"; with it, right).
 */
const PERIODOGRAM_FLOOR = 100;
const PEAK = 1 << 14;
/** F0 search range: a man's low voice to a small child's. */
const F0_RANGE_HZ = [60, 500] as const;

/**
 * The SPTK command `name` (Debian installs the tools under /usr/libexec/sptk/bin, behind the `sptk` front end). The
 * front end answers a command it lacks (another SPTK's names) on stdout with exit status 0: that text is refused, not
 * read as samples.
 */
export function sptk(name: string, args: string[], input?: Buffer): Buffer {
  let out: Buffer;
  try {
    out = execFileSync('sptk', [name, ...args], { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('the vocoder needs SPTK (apt-get install sptk)');
    throw new Error(`sptk ${name} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
  const unsupported = `"${name}" command unsupported`;
  if (out.subarray(0, unsupported.length).toString('latin1') === unsupported) {
    throw new Error(`this SPTK has no ${name} command (the vocoder is written for SPTK 3, Debian's sptk package)`);
  }
  return out;
}

/**
 * `x` (16 kHz) analysed and resynthesised by the vocoder, the envelope synthesised with all-pass
 * constant `synthesisAlpha` (ANALYSIS_ALPHA keeps the formants where they were). Same length and peak.
 */
export function vocode(x: Float32Array, synthesisAlpha = ANALYSIS_ALPHA): Float32Array {
  if (!(synthesisAlpha > -1 && synthesisAlpha < 1)) throw new Error(`vocode: the all-pass constant must lie in (-1, 1), got ${synthesisAlpha}`);
  const peak = peakAbs(x);
  if (peak === 0) return new Float32Array(x.length);
  const samples = x.map((v) => (v * PEAK) / peak);
  const scaled = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const pitch = sptk('pitch', ['-a', '1', '-s', '16', '-p', String(SHIFT), '-L', String(F0_RANGE_HZ[0]), '-H', String(F0_RANGE_HZ[1]), '-o', '0'], scaled);
  const frames = sptk('frame', ['-l', String(FRAME), '-p', String(SHIFT)], scaled);
  const windowed = sptk('window', ['-l', String(FRAME), '-L', String(FFT)], frames);
  const cepstra = sptk('mcep', ['-l', String(FFT), '-m', String(ORDER), '-a', String(ANALYSIS_ALPHA), '-e', String(PERIODOGRAM_FLOOR)], windowed);
  const excitation = sptk('excite', ['-p', String(SHIFT)], pitch);
  // mlsadf reads the excitation on stdin and the cepstra from a file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnkit-vocoder-'));
  try {
    const cepstraFile = path.join(dir, 'mcep.f32');
    fs.writeFileSync(cepstraFile, cepstra);
    const y = toFloat32(sptk('mlsadf', ['-m', String(ORDER), '-a', String(synthesisAlpha), '-p', String(SHIFT), cepstraFile], excitation));
    // An unstable filter would feed back a NaN into every later sample: a training example without its words.
    if (!y.every(Number.isFinite)) throw new Error('vocode: the MLSA filter gave non-finite samples (unstable for these cepstra)');
    const outPeak = peakAbs(y);
    const gain = outPeak > 0 ? peak / outPeak : 0;
    // excite makes (frames - 1) × SHIFT samples: the last few milliseconds (padding to come) are zero-filled.
    return fitLength(y.map((v) => v * gain), x.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
