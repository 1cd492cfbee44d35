/**
 * Second-order IIR sections (RBJ Audio EQ Cookbook forms), run in float64 and applied
 * twice for a 4th-order (24 dB/octave) Butterworth-like slope.
 */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function highpassSection(cornerHz: number, sampleRate: number): Biquad {
  const w = (2 * Math.PI * cornerHz) / sampleRate;
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2); // Q = 1/√2: maximally flat
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function run(x: Float32Array, f: Biquad): Float32Array {
  const y = new Float32Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = f.b0 * x[i] + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

/** 4th-order high-pass at `cornerHz` (two cascaded maximally flat sections). */
export function highpass(x: Float32Array, cornerHz: number, sampleRate: number): Float32Array {
  if (!(cornerHz > 0 && cornerHz < sampleRate / 2)) throw new RangeError(`high-pass corner ${cornerHz} Hz must lie between 0 and ${sampleRate / 2} Hz`);
  const section = highpassSection(cornerHz, sampleRate);
  return run(run(x, section), section);
}
