import FFT = require('fft.js');

/**
 * Weighted prediction error (WPE) dereverberation, single channel (Nakatani et al. 2010; after
 * nara_wpe, but with the weights' power floored at −40 dB of the bin's mean input power, where
 * nara_wpe floors at 1e-10 of the maximum, and a little diagonal loading instead of its least-squares
 * fallback, so that quiet frames and silence stay stable): in each frequency bin of the STFT, the late reverberation is what a
 * linear filter predicts from the frames `delay` to `delay + taps − 1` back, and is subtracted.
 * The filter minimises the prediction error weighted by the inverse power of the current
 * estimate, re-estimated `iterations` times. The delay keeps the direct sound and early
 * reflections, so speech without a room passes nearly unchanged.
 */
export interface WpeSettings {
  fftSize: number;
  hop: number;
  taps: number;
  delay: number;
  iterations: number;
}

/** For the front end's 8 kHz analysis band: 32 ms frames every 8 ms, 10 taps after 24 ms, two passes (nara_wpe's taps and delay; 3 passes cost 50% more time). */
export const WPE: WpeSettings = { fftSize: 256, hop: 64, taps: 10, delay: 3, iterations: 2 };

interface Spectrogram {
  frames: number;
  bins: number;
  /** [bins][frames], real and imaginary parts. */
  re: Float64Array;
  im: Float64Array;
}

/** sqrt-Hann (periodic) for analysis and synthesis: their product overlap-adds to a constant at hop fftSize/4. */
function sqrtHann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n)));
}

function stft(x: Float32Array, s: WpeSettings, window: Float64Array, fft: FFT): Spectrogram {
  const pad = s.fftSize - s.hop;
  const frames = Math.ceil((x.length + pad) / s.hop);
  const bins = s.fftSize / 2 + 1;
  const re = new Float64Array(bins * frames);
  const im = new Float64Array(bins * frames);
  const input = new Float64Array(s.fftSize);
  const out = fft.createComplexArray() as number[];
  for (let t = 0; t < frames; t++) {
    const start = t * s.hop - pad;
    for (let n = 0; n < s.fftSize; n++) {
      const i = start + n;
      input[n] = i >= 0 && i < x.length ? x[i] * window[n] : 0;
    }
    fft.realTransform(out, input);
    for (let f = 0; f < bins; f++) {
      re[f * frames + t] = out[2 * f];
      im[f * frames + t] = out[2 * f + 1];
    }
  }
  return { frames, bins, re, im };
}

function istft(spec: Spectrogram, length: number, s: WpeSettings, window: Float64Array, fft: FFT): Float32Array {
  const pad = s.fftSize - s.hop;
  const acc = new Float64Array(length);
  const norm = new Float64Array(length);
  const full = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  for (let t = 0; t < spec.frames; t++) {
    for (let f = 0; f < spec.bins; f++) {
      full[2 * f] = spec.re[f * spec.frames + t];
      full[2 * f + 1] = spec.im[f * spec.frames + t];
    }
    for (let f = spec.bins; f < s.fftSize; f++) {
      // Hermitian symmetry: the negative frequencies mirror the positive ones.
      full[2 * f] = full[2 * (s.fftSize - f)];
      full[2 * f + 1] = -full[2 * (s.fftSize - f) + 1];
    }
    fft.inverseTransform(out, full);
    const start = t * s.hop - pad;
    for (let n = 0; n < s.fftSize; n++) {
      const i = start + n;
      if (i < 0 || i >= length) continue;
      acc[i] += out[2 * n] * window[n];
      norm[i] += window[n] * window[n];
    }
  }
  return Float32Array.from(acc, (v, i) => (norm[i] > 1e-9 ? v / norm[i] : 0));
}

/** Solves the K×K complex system (A + iB)(u + iv) = p + iq as a 2K real one, with partial pivoting. */
function solveComplex(K: number, Rre: Float64Array, Rim: Float64Array, pre: Float64Array, pim: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = 2 * K;
  const m = new Float64Array(n * (n + 1));
  const row = (i: number) => i * (n + 1);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const a = Rre[i * K + j];
      const b = Rim[i * K + j];
      m[row(i) + j] = a;
      m[row(i) + K + j] = -b;
      m[row(K + i) + j] = b;
      m[row(K + i) + K + j] = a;
    }
    m[row(i) + n] = pre[i];
    m[row(K + i) + n] = pim[i];
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[row(r) + c]) > Math.abs(m[row(p) + c])) p = r;
    if (p !== c) {
      for (let k = 0; k <= n; k++) {
        const tmp = m[row(c) + k];
        m[row(c) + k] = m[row(p) + k];
        m[row(p) + k] = tmp;
      }
    }
    const d = m[row(c) + c];
    if (d === 0) continue;
    for (let r = c + 1; r < n; r++) {
      const factor = m[row(r) + c] / d;
      if (factor === 0) continue;
      for (let k = c; k <= n; k++) m[row(r) + k] -= factor * m[row(c) + k];
    }
  }
  const z = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[row(r) + n];
    for (let k = r + 1; k < n; k++) sum -= m[row(r) + k] * z[k];
    const d = m[row(r) + r];
    z[r] = d === 0 ? 0 : sum / d;
  }
  return { re: z.subarray(0, K), im: z.subarray(K) };
}

/** WPE on one frequency bin's frames (xr, xi): returns the dereverberated frames. */
function wpeBin(xr: Float64Array, xi: Float64Array, s: WpeSettings): { re: Float64Array; im: Float64Array } {
  const T = xr.length;
  const K = s.taps;
  const dr = Float64Array.from(xr);
  const di = Float64Array.from(xi);
  let mean = 0;
  for (let t = 0; t < T; t++) mean += xr[t] * xr[t] + xi[t] * xi[t];
  // The power floor keeps silent frames (and digital silence) from dominating the weights.
  const floor = Math.max(1e-20, (1e-4 * mean) / T);
  const Rre = new Float64Array(K * K);
  const Rim = new Float64Array(K * K);
  const pre = new Float64Array(K);
  const pim = new Float64Array(K);
  for (let it = 0; it < s.iterations; it++) {
    Rre.fill(0);
    Rim.fill(0);
    pre.fill(0);
    pim.fill(0);
    for (let t = s.delay; t < T; t++) {
      const w = 1 / Math.max(floor, dr[t] * dr[t] + di[t] * di[t]);
      const last = Math.min(K, t - s.delay + 1);
      for (let i = 0; i < last; i++) {
        const ar = xr[t - s.delay - i];
        const ai = xi[t - s.delay - i];
        // p += w · a_i · conj(x_t)
        pre[i] += w * (ar * xr[t] + ai * xi[t]);
        pim[i] += w * (ai * xr[t] - ar * xi[t]);
        for (let j = i; j < last; j++) {
          const br = xr[t - s.delay - j];
          const bi = xi[t - s.delay - j];
          // R += w · a_i · conj(a_j); the lower triangle mirrors it (R is Hermitian).
          Rre[i * K + j] += w * (ar * br + ai * bi);
          Rim[i * K + j] += w * (ai * br - ar * bi);
        }
      }
    }
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < i; j++) {
        Rre[i * K + j] = Rre[j * K + i];
        Rim[i * K + j] = -Rim[j * K + i];
      }
    }
    let trace = 0;
    for (let i = 0; i < K; i++) trace += Rre[i * K + i];
    for (let i = 0; i < K; i++) Rre[i * K + i] += 1e-6 * (trace / K) + 1e-30;
    const g = solveComplex(K, Rre, Rim, pre, pim);
    for (let t = 0; t < T; t++) {
      // d_t = x_t − Σ conj(g_i) · x_{t−delay−i}
      let er = 0;
      let ei = 0;
      for (let i = 0; i < K && t - s.delay - i >= 0; i++) {
        const ar = xr[t - s.delay - i];
        const ai = xi[t - s.delay - i];
        er += g.re[i] * ar + g.im[i] * ai;
        ei += g.re[i] * ai - g.im[i] * ar;
      }
      dr[t] = xr[t] - er;
      di[t] = xi[t] - ei;
    }
  }
  return { re: dr, im: di };
}

/**
 * Longer signals are dereverberated in blocks of this many samples (30 s at 8 kHz), each on its own
 * (the filter starts afresh at each seam): an hour's spectrogram would take a gigabyte, a block's
 * 8 MB. The transcriber's clips and segments are shorter.
 */
export const WPE_BLOCK_SAMPLES = 240000;

/** The signal with its late reverberation removed (same length and sample rate). */
export function dereverberate(x: Float32Array, s: WpeSettings = WPE): Float32Array {
  checkSettings(s);
  if (x.length <= WPE_BLOCK_SAMPLES) return dereverberateBlock(x, s);
  const out = new Float32Array(x.length);
  for (let at = 0; at < x.length; at += WPE_BLOCK_SAMPLES) out.set(dereverberateBlock(x.subarray(at, at + WPE_BLOCK_SAMPLES), s), at);
  return out;
}

function checkSettings(s: WpeSettings): void {
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(s.fftSize, 4) || (s.fftSize & (s.fftSize - 1)) !== 0) throw new RangeError(`WPE fftSize must be a power of 2 from 4, not ${s.fftSize}`);
  if (!whole(s.hop, 1) || s.hop > s.fftSize / 2) throw new RangeError(`WPE hop must be a whole number from 1 to fftSize/2 (${s.fftSize / 2}), not ${s.hop}`);
  // With no delay a frame would predict itself, and the output would be close to silence.
  if (!whole(s.delay, 1)) throw new RangeError(`WPE delay must be a whole number of frames from 1, not ${s.delay}`);
  if (!whole(s.taps, 1)) throw new RangeError(`WPE taps must be a whole number from 1, not ${s.taps}`);
  if (!whole(s.iterations, 0)) throw new RangeError(`WPE iterations must be a whole number from 0, not ${s.iterations}`);
}

function dereverberateBlock(x: Float32Array, s: WpeSettings): Float32Array {
  const fft = new FFT(s.fftSize);
  const window = sqrtHann(s.fftSize);
  const spec = stft(x, s, window, fft);
  const T = spec.frames;
  for (let f = 0; f < spec.bins; f++) {
    const d = wpeBin(spec.re.subarray(f * T, (f + 1) * T), spec.im.subarray(f * T, (f + 1) * T), s);
    spec.re.set(d.re, f * T);
    spec.im.set(d.im, f * T);
  }
  return istft(spec, x.length, s, window, fft);
}
