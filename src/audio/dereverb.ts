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
  /**
   * Only the lowest `bins` frequency bins are dereverberated (the others pass unchanged): a front end that
   * reads only the low band spends nothing on the rest. All fftSize/2 + 1 when absent.
   */
  bins?: number;
}

/**
 * At 8 kHz: 32 ms frames every 8 ms, 10 taps after 24 ms, two passes (nara_wpe's taps and delay; 3 passes cost 50% more
 * time). The front end runs the same at 16 kHz (FRONT_END_WPE in mfcc.ts); numpy fixtures check both (scripts/make-wpe-fixtures.py).
 */
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

/**
 * Solves R g = p for a Hermitian positive definite R (re, im: K×K, both triangles filled) by its Cholesky
 * factor R = L·Lᴴ: K³/6 complex multiply-adds where the 2K real system takes (2K)³/3. undefined when a pivot is
 * not positive (R not numerically positive definite): the pivoting solver then takes over.
 */
export function solveHermitian(K: number, Rre: Float64Array, Rim: Float64Array, pre: Float64Array, pim: Float64Array): { re: Float64Array; im: Float64Array } | undefined {
  const Lr = new Float64Array(K * K);
  const Li = new Float64Array(K * K);
  for (let j = 0; j < K; j++) {
    let d = Rre[j * K + j];
    for (let k = 0; k < j; k++) d -= Lr[j * K + k] * Lr[j * K + k] + Li[j * K + k] * Li[j * K + k];
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    Lr[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      // L_ij = (R_ij − Σ_k L_ik · conj(L_jk)) / L_jj
      let sr = Rre[i * K + j];
      let si = Rim[i * K + j];
      for (let k = 0; k < j; k++) {
        const ar = Lr[i * K + k];
        const ai = Li[i * K + k];
        const br = Lr[j * K + k];
        const bi = Li[j * K + k];
        sr -= ar * br + ai * bi;
        si -= ai * br - ar * bi;
      }
      Lr[i * K + j] = sr / ljj;
      Li[i * K + j] = si / ljj;
    }
  }
  // L y = p, then Lᴴ g = y.
  const yr = new Float64Array(K);
  const yi = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let sr = pre[i];
    let si = pim[i];
    for (let k = 0; k < i; k++) {
      sr -= Lr[i * K + k] * yr[k] - Li[i * K + k] * yi[k];
      si -= Lr[i * K + k] * yi[k] + Li[i * K + k] * yr[k];
    }
    yr[i] = sr / Lr[i * K + i];
    yi[i] = si / Lr[i * K + i];
  }
  const gr = new Float64Array(K);
  const gi = new Float64Array(K);
  for (let i = K - 1; i >= 0; i--) {
    let sr = yr[i];
    let si = yi[i];
    for (let k = i + 1; k < K; k++) {
      // conj(L_ki) · g_k
      const ar = Lr[k * K + i];
      const ai = -Li[k * K + i];
      sr -= ar * gr[k] - ai * gi[k];
      si -= ar * gi[k] + ai * gr[k];
    }
    gr[i] = sr / Lr[i * K + i];
    gi[i] = si / Lr[i * K + i];
  }
  return { re: gr, im: gi };
}

/** Solves the K×K complex system (A + iB)(u + iv) = p + iq as a 2K real one, with partial pivoting. */
export function solveComplex(K: number, Rre: Float64Array, Rim: Float64Array, pre: Float64Array, pim: Float64Array): { re: Float64Array; im: Float64Array } {
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

/**
 * The bin's lagged products x_s · conj(x_{s−m}) for lags m = 0 … lags − 1, [m][s] (zero where s < m): each
 * term of WPE's correlations is one of them times a weight, so they are formed once per bin instead of once
 * per (frame, tap pair) and iteration. The products are the very expressions the sums would form, so the
 * result is the same bit for bit.
 */
function laggedProducts(xr: Float64Array, xi: Float64Array, lags: number): { re: Float64Array; im: Float64Array } {
  const T = xr.length;
  const re = new Float64Array(lags * T);
  const im = new Float64Array(lags * T);
  for (let m = 0; m < lags; m++) {
    for (let s = m, at = m * T + m; s < T; s++, at++) {
      const ar = xr[s];
      const ai = xi[s];
      const br = xr[s - m];
      const bi = xi[s - m];
      re[at] = ar * br + ai * bi;
      im[at] = ai * br - ar * bi;
    }
  }
  return { re, im };
}

/** WPE on one frequency bin's frames (xr, xi): returns the dereverberated frames. */
function wpeBin(xr: Float64Array, xi: Float64Array, s: WpeSettings): { re: Float64Array; im: Float64Array } {
  const T = xr.length;
  const K = s.taps;
  const D = s.delay;
  const dr = Float64Array.from(xr);
  const di = Float64Array.from(xi);
  let mean = 0;
  for (let t = 0; t < T; t++) mean += xr[t] * xr[t] + xi[t] * xi[t];
  // The power floor keeps silent frames (and digital silence) from dominating the weights.
  const floor = Math.max(1e-20, (1e-4 * mean) / T);
  // Tap i of frame t is x_{t−D−i}. R_ij (j ≥ i) sums w_t · x_{t−D−i} · conj(x_{t−D−j}), lag j − i at
  // s = t − D − i; p_i sums w_t · x_{t−D−i} · conj(x_t), the conjugate of lag D + i at t.
  const { re: Qre, im: Qim } = laggedProducts(xr, xi, D + K);
  const w = new Float64Array(T);
  const Rre = new Float64Array(K * K);
  const Rim = new Float64Array(K * K);
  const pre = new Float64Array(K);
  const pim = new Float64Array(K);
  for (let it = 0; it < s.iterations; it++) {
    for (let t = D; t < T; t++) w[t] = 1 / Math.max(floor, dr[t] * dr[t] + di[t] * di[t]);
    for (let i = 0; i < K; i++) {
      // Frames from D + i on have tap i (earlier ones are before the signal).
      let sr = 0;
      let si = 0;
      for (let t = D + i, at = (D + i) * T + D + i; t < T; t++, at++) {
        sr += w[t] * Qre[at];
        si += w[t] * -Qim[at];
      }
      pre[i] = sr;
      pim[i] = si;
      for (let j = i; j < K; j++) {
        let rr = 0;
        let ri = 0;
        // R += w · a_i · conj(a_j) over the frames with tap j; the lower triangle mirrors it (R is Hermitian).
        for (let t = D + j, at = (j - i) * T + (j - i); t < T; t++, at++) {
          rr += w[t] * Qre[at];
          ri += w[t] * Qim[at];
        }
        Rre[i * K + j] = rr;
        Rim[i * K + j] = ri;
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
    const { re: gr, im: gi } = solveHermitian(K, Rre, Rim, pre, pim) ?? solveComplex(K, Rre, Rim, pre, pim);
    for (let t = 0; t < T; t++) {
      // d_t = x_t − Σ conj(g_i) · x_{t−delay−i}
      let er = 0;
      let ei = 0;
      for (let i = 0; i < K && t - D - i >= 0; i++) {
        const ar = xr[t - D - i];
        const ai = xi[t - D - i];
        er += gr[i] * ar + gi[i] * ai;
        ei += gr[i] * ai - gi[i] * ar;
      }
      dr[t] = xr[t] - er;
      di[t] = xi[t] - ei;
    }
  }
  return { re: dr, im: di };
}

/**
 * Longer signals are dereverberated in blocks of this many samples (30 s at the front end's 16 kHz), each on its own
 * (the filter starts afresh at each seam): an hour's spectrogram would take two gigabytes, a block's
 * 16 MB. The transcriber's clips (≤ 20 s) and segments (≤ 15 s) are shorter.
 */
export const WPE_BLOCK_SAMPLES = 480000;

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
  if (s.bins !== undefined && !(whole(s.bins, 1) && s.bins <= s.fftSize / 2 + 1)) throw new RangeError(`WPE bins must be a whole number from 1 to fftSize/2 + 1 (${s.fftSize / 2 + 1}), not ${s.bins}`);
}

function dereverberateBlock(x: Float32Array, s: WpeSettings): Float32Array {
  const fft = new FFT(s.fftSize);
  const window = sqrtHann(s.fftSize);
  const spec = stft(x, s, window, fft);
  const T = spec.frames;
  for (let f = 0; f < (s.bins ?? spec.bins); f++) {
    const d = wpeBin(spec.re.subarray(f * T, (f + 1) * T), spec.im.subarray(f * T, (f + 1) * T), s);
    spec.re.set(d.re, f * T);
    spec.im.set(d.im, f * T);
  }
  return istft(spec, x.length, s, window, fft);
}
