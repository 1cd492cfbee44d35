/**
 * Band-limited resampling by windowed-sinc interpolation (Blackman window, 32 zero
 * crossings each side): the low-pass cut-off sits at 0.95 of the lower Nyquist
 * frequency, so downsampling does not alias. The kernel is tabulated (256 points per
 * zero crossing, linear interpolation) instead of evaluating sin/cos per tap.
 *
 * Output sample i is centred at i·fromRate/toRate input samples. When the two rates are
 * integers whose ratio reduces to p/q with q ≤ 256 (16000 → 8000 is 2/1, 14400 → 8000 is
 * 9/5, 44100 → 16000 is 441/160), output i + q is output i moved by p input samples, so
 * the q phases' tap weights are worked out once, each with the per-tap expression below
 * at the first period's centres, and every output is then multiply-adds over the input.
 * - When q is a power of two (every integer ratio such as 16000 → 8000 or 48000 → 16000,
 *   and 8000 → 16000), the centres i·ratio are exact in floating point, each weight is the
 *   very value the per-tap expression gives for any period, the window bounds are
 *   computed per output as before, and the output is bit-identical to evaluating the
 *   kernel per tap.
 * - Otherwise the per-tap evaluation would use the rounded centre i·ratio, whose error
 *   grows with i; the tables use the first period's centre moved by a whole number of
 *   input samples (i·p = n·q + r in integers), which is the exact centre up to one
 *   rounding. The output stays within 1e-6 of the per-tap evaluation relative to the
 *   output's peak (the tests check this; measured: a few outputs in 10⁴ land on the
 *   neighbouring float32 value, 2.6e-8 of the peak at most).
 * Other rates (16000·1.0371 → 16000, or q > 256) evaluate the kernel per tap.
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
/** Most output phases per period for which the tap weights are tabulated. */
const MAX_PHASES = 256;
/** Most tap weights tabulated (32 MB); more (a huge radius, from a huge ratio) evaluate the kernel per tap. */
const MAX_TABLE = 1 << 22;

export function resample(signal: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return signal.slice();
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`sample rates must be positive (got ${fromRate} -> ${toRate})`);
  const ratio = fromRate / toRate;
  const out = new Float32Array(Math.floor((signal.length * toRate) / fromRate));
  const cutoff = 0.95 * Math.min(1, toRate / fromRate); // in units of the input Nyquist
  const radius = ZERO_CROSSINGS / cutoff; // in input samples
  const g = Number.isSafeInteger(fromRate) && Number.isSafeInteger(toRate) ? gcd(fromRate, toRate) : 0;
  const tableSize = Math.min(toRate / g, out.length) * (2 * Math.ceil(radius) + 3);
  if (g > 0 && toRate / g <= MAX_PHASES && tableSize <= MAX_TABLE && signal.length + radius < 2 ** 31) {
    resamplePhased(signal, out, fromRate / g, toRate / g, ratio, cutoff, radius);
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const center = i * ratio;
    const lo = Math.max(0, Math.ceil(center - radius));
    const hi = Math.min(signal.length - 1, Math.floor(center + radius));
    let acc = 0;
    // No Math.* in this loop: global lookups are slow inside jest's vm context (60× on 26 s of 48 kHz audio).
    for (let j = lo; j <= hi; j++) acc += signal[j] * tap(j, center, cutoff);
    out[i] = acc * cutoff;
  }
  return out;
}

/**
 * The kernel's weight for input sample j in the output sample centred at `center`, before the
 * cut-off's gain (0 beyond the table): what the per-tap loop in resample() evaluates, and what
 * resamplePhased tabulates, so that identical centres give identical weights.
 */
function tap(j: number, center: number, cutoff: number): number {
  const pos = (j > center ? j - center : center - j) * cutoff * RESOLUTION;
  const k = pos | 0; // floor: pos is non-negative and small
  return k + 1 < KERNEL.length ? KERNEL[k] + (pos - k) * (KERNEL[k + 1] - KERNEL[k]) : 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The rational case, ratio = p/q: output i = m·q + s is centred at s·ratio + m·p, and its
 * taps j = n + d (n = floor(s·p/q) + m·p) take phase s's weight for offset d.
 */
function resamplePhased(signal: Float32Array, out: Float32Array, p: number, q: number, ratio: number, cutoff: number, radius: number): void {
  const exact = (q & (q - 1)) === 0; // q a power of two: i·ratio is exact
  const reach = Math.ceil(radius) + 1;
  const dMin = -reach; // offsets d = j - n from dMin to reach cover every window
  const width = 2 * reach + 1;
  const phases = Math.min(q, out.length);
  const weights = new Float64Array(phases * width);
  const starts = new Int32Array(phases); // floor(s·p/q): where the offsets of phase s's first output start (< signal.length)
  const firsts = new Int32Array(phases); // phase s's window, as offsets from n
  const lasts = new Int32Array(phases);
  for (let s = 0; s < phases; s++) {
    const n0 = (starts[s] = (s * p - ((s * p) % q)) / q); // floor(s·p/q) in integers
    const center = s * ratio; // the per-tap evaluation's centre for output s
    firsts[s] = Math.ceil(center - radius) - n0;
    lasts[s] = Math.floor(center + radius) - n0;
    // tap() is the per-tap evaluation's own weight, so identical centres give identical weights.
    for (let d = dMin; d <= reach; d++) weights[s * width + d - dMin] = tap(n0 + d, center, cutoff);
  }
  // Outputs i, i + q, i + 2q, i + 3q share phase s and are p input samples apart; four at a
  // time, with four sums each adding its taps in order, they keep the adder busy.
  const end = signal.length - 1;
  /** The first (or last) input sample in the window of output i, of phase s, whose period starts at n. */
  const edge = (i: number, s: number, n: number, first: boolean): number => {
    if (!exact) return n + (first ? firsts[s] : lasts[s]);
    // ceil(center - radius) or floor(center + radius) without Math.* (slow inside jest's vm context):
    // |x| < 2^31, so x | 0 truncates it.
    const x = first ? i * ratio - radius : i * ratio + radius;
    const t = x | 0;
    return first ? (t < x ? t + 1 : t) : t > x ? t - 1 : t;
  };
  /** Whether outputs i + q, i + 2q and i + 3q have output i's window (offsets dLo to dHi from n), moved by p each. */
  const sameOffsets = (i: number, s: number, n: number, dLo: number, dHi: number): boolean => {
    for (let k = 1; k < 4; k++) {
      const nk = n + k * p;
      if (edge(i + k * q, s, nk, true) - nk !== dLo || edge(i + k * q, s, nk, false) - nk !== dHi) return false;
    }
    return true;
  };
  for (let s = 0; s < phases; s++) {
    const row = s * width - dMin; // weights[row + d] is phase s's weight at offset d
    for (let i = s, n = starts[s]; i < out.length; i += 4 * q, n += 4 * p) {
      const lo = edge(i, s, n, true);
      const hi = edge(i, s, n, false);
      if (i + 3 * q < out.length && lo >= 0 && edge(i + 3 * q, s, n + 3 * p, false) <= end && sameOffsets(i, s, n, lo - n, hi - n)) {
        const p2 = 2 * p;
        const p3 = 3 * p;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        // No Math.* in this loop: global lookups are slow inside jest's vm context.
        for (let j = lo, w = row + lo - n; j <= hi; j++, w++) {
          const wt = weights[w];
          a0 += signal[j] * wt;
          a1 += signal[j + p] * wt;
          a2 += signal[j + p2] * wt;
          a3 += signal[j + p3] * wt;
        }
        out[i] = a0 * cutoff;
        out[i + q] = a1 * cutoff;
        out[i + 2 * q] = a2 * cutoff;
        out[i + 3 * q] = a3 * cutoff;
        continue;
      }
      // Near the ends (clipped windows) and in the last incomplete group: one output at a time.
      for (let k = 0; k < 4 && i + k * q < out.length; k++) {
        const nk = n + k * p;
        const from = Math.max(0, edge(i + k * q, s, nk, true));
        const to = Math.min(end, edge(i + k * q, s, nk, false));
        let acc = 0;
        for (let j = from, w = row + from - nk; j <= to; j++, w++) acc += signal[j] * weights[w];
        out[i + k * q] = acc * cutoff;
      }
    }
  }
}
