/**
 * Band-limited resampling by windowed-sinc interpolation (Blackman window, 32 zero
 * crossings each side): the low-pass cut-off sits at 0.95 of the lower Nyquist
 * frequency, so downsampling does not alias. The kernel is tabulated (256 points per
 * zero crossing, linear interpolation) instead of evaluating sin/cos per tap.
 */
const ZERO_CROSSINGS = 32;
const RESOLUTION = 256;
const KERNEL = Float64Array.from({ length: ZERO_CROSSINGS * RESOLUTION + 2 }, (_, i) => {
  const x = i / RESOLUTION; // in zero crossings
  if (x >= ZERO_CROSSINGS) return 0;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / ZERO_CROSSINGS) + 0.08 * Math.cos((2 * Math.PI * x) / ZERO_CROSSINGS);
  return sinc * w;
});

export function resample(signal: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return signal.slice();
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive (got ${fromRate} -> ${toRate})`);
  const ratio = fromRate / toRate;
  const out = new Float32Array(Math.floor((signal.length * toRate) / fromRate));
  const cutoff = 0.95 * Math.min(1, toRate / fromRate); // in units of the input Nyquist
  const radius = ZERO_CROSSINGS / cutoff; // in input samples
  for (let i = 0; i < out.length; i++) {
    const center = i * ratio;
    const lo = Math.max(0, Math.ceil(center - radius));
    const hi = Math.min(signal.length - 1, Math.floor(center + radius));
    let acc = 0;
    // No Math.* in this loop: global lookups are slow inside jest's vm context (60× on 26 s of 48 kHz audio).
    for (let j = lo; j <= hi; j++) {
      const pos = (j > center ? j - center : center - j) * cutoff * RESOLUTION;
      const k = pos | 0; // floor: pos is non-negative and small
      const frac = pos - k;
      acc += signal[j] * (KERNEL[k] + frac * (KERNEL[k + 1] - KERNEL[k]));
    }
    out[i] = acc * cutoff;
  }
  return out;
}
