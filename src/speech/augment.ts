import type { Rng } from '../core/rng';

/** The largest absolute sample value. */
export function peakAbs(x: Float32Array): number {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return peak;
}

/** Scales a signal so its peak is at `peakDb` dBFS. */
export function normalizePeak(x: Float32Array, peakDb: number): Float32Array {
  const peak = peakAbs(x);
  const gain = peak > 0 ? Math.pow(10, peakDb / 20) / peak : 1;
  return x.map((v) => v * gain);
}

/** Adds `before` and `after` seconds of silence at 16 kHz. */
export function pad(x: Float32Array, before: number, after: number): Float32Array {
  const out = new Float32Array(x.length + Math.round((before + after) * 16000));
  out.set(x, Math.round(before * 16000));
  return out;
}

export type NoiseType = 'white' | 'brown' | 'pink' | 'babble';

/** White, brown (integrated, leaky: hum and rumble) or pink (−3 dB/octave, Paul Kellet's filter) noise. */
export function coloredNoise(n: number, type: Exclude<NoiseType, 'babble'>, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  let s = 0;
  const b = [0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const w = rng.normal();
    if (type === 'white') out[i] = w;
    else if (type === 'brown') out[i] = s = 0.98 * s + w;
    else {
      b[0] = 0.99886 * b[0] + w * 0.0555179;
      b[1] = 0.99332 * b[1] + w * 0.0750759;
      b[2] = 0.969 * b[2] + w * 0.153852;
      b[3] = 0.8665 * b[3] + w * 0.3104856;
      b[4] = 0.55 * b[4] + w * 0.5329522;
      b[5] = -0.7616 * b[5] - w * 0.016898;
      out[i] = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
      b[6] = w * 0.115926;
    }
  }
  return out;
}

/**
 * Babble: several other utterances from `pool` (clean speech of other talkers), each
 * starting at a random offset and looped to cover `n` samples, summed.
 */
export function babble(n: number, pool: readonly Float32Array[], talkers: number, rng: Rng): Float32Array {
  if (pool.length === 0) throw new Error('babble needs a pool of speech');
  const out = new Float32Array(n);
  for (let k = 0; k < talkers; k++) {
    const src = pool[rng.int(pool.length)];
    const start = rng.int(src.length);
    const gain = rng.uniform(0.5, 1);
    for (let i = 0; i < n; i++) out[i] += gain * src[(start + i) % src.length];
  }
  return out;
}

/** Mean power of the speech in `x`: samples above 1% of the peak, so padding does not change the SNR. */
function speechPower(x: Float32Array): number {
  const peak = peakAbs(x);
  let power = 0;
  let n = 0;
  for (const v of x) {
    if (Math.abs(v) > 0.01 * peak) {
      power += v * v;
      n++;
    }
  }
  return power / Math.max(1, n);
}

/** Adds `noise` (same length as x) scaled to the given signal-to-noise ratio over the speech. */
export function mixAtSnr(x: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  let noisePower = 0;
  for (const v of noise) noisePower += v * v;
  noisePower /= Math.max(1, noise.length);
  const scale = Math.sqrt(speechPower(x) / Math.pow(10, snrDb / 10) / Math.max(noisePower, 1e-12));
  return x.map((v, i) => v + noise[i] * scale);
}

/** Adds noise of a given type at a given SNR (babble draws 3–6 talkers from `babblePool`). */
export function addNoise(x: Float32Array, type: NoiseType, snrDb: number, rng: Rng, babblePool: readonly Float32Array[] = []): Float32Array {
  const noise = type === 'babble' ? babble(x.length, babblePool, 3 + rng.int(4), rng) : coloredNoise(x.length, type, rng);
  return mixAtSnr(x, noise, snrDb);
}

/** A click: a pulse of a few samples and a short decaying ring (a relay, an off-hook pop, a lip smack), `level` peak. */
export function click(level: number, ringSamples = 160): Float32Array {
  return Float32Array.from({ length: ringSamples }, (_, i) => level * Math.exp(-i / 20) * (i < 3 ? 1 : Math.cos(i * 0.9)));
}

/** A breath: differenced brown noise (most energy 200–2000 Hz) under a raised-cosine envelope, `level` peak. */
export function breath(samples: number, level: number, rng: Rng): Float32Array {
  const b = coloredNoise(samples, 'brown', rng);
  const out = new Float32Array(samples);
  for (let i = 1; i < samples; i++) out[i] = b[i] - b[i - 1];
  const peak = peakAbs(out);
  return out.map((v, i) => (level * v * 0.5 * (1 - Math.cos((2 * Math.PI * i) / samples))) / (peak || 1));
}

export type LeadIn = 'click' | 'breath' | 'noise';
export const LEAD_INS: readonly LeadIn[] = ['click', 'breath', 'noise'];

/**
 * A lead-in that is not a word, before padded speech (`x`, 16 kHz): 0.1–0.6 s more silence, and in
 * it a click (0.1–1 × the speech peak), a breath (0.15–0.4 s, −30…−6 dB re the peak) or a stretch of
 * hiss that stops (0.2–1 s, −50…−20 dB re the peak). The transcriber cuts clips to their speech
 * (speechSpan), but what its detector takes for speech stays: a model never trained on such lead-ins
 * names a digit for them (scripts/diagnose-onset.ts measured it). Trained with them, their frames are blanks.
 */
export function addLeadIn(x: Float32Array, kind: LeadIn, rng: Rng): Float32Array {
  const peak = peakAbs(x);
  const gap = Math.round(rng.uniform(0.1, 0.6) * 16000);
  let event: Float32Array;
  if (kind === 'click') event = click(peak * rng.uniform(0.1, 1));
  else if (kind === 'breath') event = breath(Math.round(rng.uniform(0.15, 0.4) * 16000), peak * Math.pow(10, rng.uniform(-30, -6) / 20), rng);
  else {
    const level = peak * Math.pow(10, rng.uniform(-50, -20) / 20);
    event = coloredNoise(Math.round(rng.uniform(0.2, 1) * 16000), 'white', rng).map((v) => v * level);
  }
  const out = new Float32Array(event.length + gap + x.length);
  out.set(event);
  out.set(x, event.length + gap);
  return out;
}
