import type { Rng } from '../core/rng';

/** Scales a signal so its peak is at `peakDb` dBFS. */
export function normalizePeak(x: Float32Array, peakDb: number): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const gain = peak > 0 ? Math.pow(10, peakDb / 20) / peak : 1;
  return x.map((v) => v * gain);
}

/** Adds `before` and `after` seconds of silence at 16 kHz. */
export function pad(x: Float32Array, before: number, after: number): Float32Array {
  const out = new Float32Array(x.length + Math.round((before + after) * 16000));
  out.set(x, Math.round(before * 16000));
  return out;
}

/**
 * Adds noise at the given signal-to-noise ratio, measured over the speech (samples above
 * 1% of the peak) so that padding does not change the effective SNR. The noise is white
 * or, half of the time, brown-ish (integrated and leaky), like hum and rumble.
 */
export function addNoise(x: Float32Array, snrDb: number, rng: Rng): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  let power = 0;
  let n = 0;
  for (const v of x) {
    if (Math.abs(v) > 0.01 * peak) {
      power += v * v;
      n++;
    }
  }
  power /= Math.max(1, n);
  const noise = new Float32Array(x.length);
  const brown = rng.next() < 0.5;
  let state = 0;
  let noisePower = 0;
  for (let i = 0; i < noise.length; i++) {
    const w = rng.normal();
    state = brown ? 0.98 * state + w : w;
    noise[i] = state;
    noisePower += state * state;
  }
  noisePower /= Math.max(1, noise.length);
  const scale = Math.sqrt(power / Math.pow(10, snrDb / 10) / Math.max(noisePower, 1e-12));
  return x.map((v, i) => v + noise[i] * scale);
}
