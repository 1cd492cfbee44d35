/**
 * The specification of src/audio/resample.ts: its per-tap evaluation from before the per-phase
 * tap tables (the same operations in the same order, so the same bits), kept as the tests' reference. Each output sample i is centred at i·fromRate/toRate (in input
 * samples) and is the sum over the input samples within 32 zero crossings of a Blackman-windowed
 * sinc whose cut-off is 0.95 of the lower Nyquist frequency, read from a table of 256 points per
 * zero crossing by linear interpolation.
 */
const ZERO_CROSSINGS = 32;
const RESOLUTION = 256;
/** The windowed sinc at x zero crossings from its centre. */
function windowedSinc(x: number): number {
  if (x >= ZERO_CROSSINGS) return 0;
  const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / ZERO_CROSSINGS) + 0.08 * Math.cos((2 * Math.PI * x) / ZERO_CROSSINGS);
  return (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * w;
}
const KERNEL = Float64Array.from({ length: ZERO_CROSSINGS * RESOLUTION + 2 }, (_, i) => windowedSinc(i / RESOLUTION));

/** The table at `pos` (non-negative) points, by linear interpolation. */
function interpolate(pos: number): number {
  const k = pos | 0;
  const frac = pos - k;
  return KERNEL[k] + frac * (KERNEL[k + 1] - KERNEL[k]);
}

export function referenceResample(signal: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return signal.slice();
  const ratio = fromRate / toRate;
  const out = new Float32Array(Math.floor((signal.length * toRate) / fromRate));
  const cutoff = 0.95 * Math.min(1, toRate / fromRate); // in units of the input Nyquist
  const radius = ZERO_CROSSINGS / cutoff; // in input samples
  for (let i = 0; i < out.length; i++) {
    const center = i * ratio;
    const first = Math.max(0, Math.ceil(center - radius));
    const last = Math.min(signal.length - 1, Math.floor(center + radius));
    let sum = 0;
    // |j - center| without Math.abs: global lookups are slow inside jest's vm context.
    for (let j = first; j <= last; j++) sum += signal[j] * interpolate((j > center ? j - center : center - j) * cutoff * RESOLUTION);
    out[i] = sum * cutoff;
  }
  return out;
}
