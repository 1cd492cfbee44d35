/**
 * Energy-based voice activity detection for splitting long recordings at pauses.
 * Frame energy (dB) is compared with a noise floor estimated as a low percentile of all frame
 * energies (robust as long as pauses make up more than that share of the recording); frames
 * some dB above it are speech.
 * A hangover keeps short dips inside words from ending a segment, short pauses are bridged,
 * short bursts (clicks) dropped, and segments longer than the maximum are cut at their quietest frame.
 */
export interface VadOptions {
  /** Analysis frame and hop, in seconds. */
  frameSeconds: number;
  hopSeconds: number;
  /** Frames this many dB above the noise floor are speech. */
  thresholdDb: number;
  /** The noise floor is this percentile of the frame energies. */
  floorPercentile: number;
  /** The floor never goes below this (digital silence would otherwise make any hiss "speech"). */
  minFloorDb: number;
  /** Speech is held this long after the energy drops. */
  hangoverSeconds: number;
  /** Pauses shorter than this do not split a segment. */
  minPauseSeconds: number;
  /** Segments shorter than this are dropped. */
  minSpeechSeconds: number;
  /** Longer segments are cut at their lowest-energy frame. */
  maxSegmentSeconds: number;
}

export const DEFAULT_VAD: VadOptions = {
  frameSeconds: 0.025,
  hopSeconds: 0.01,
  thresholdDb: 12,
  floorPercentile: 0.1,
  minFloorDb: -70,
  hangoverSeconds: 0.1,
  minPauseSeconds: 0.3,
  minSpeechSeconds: 0.1,
  maxSegmentSeconds: 15,
};

/** A stretch of speech, in seconds from the start of the signal. */
export interface SpeechSegment {
  start: number;
  end: number;
}

/** Frame runs [start, end) in frame indices. */
type Run = [number, number];

export function detectSpeech(signal: Float32Array, sampleRate: number, options: Partial<VadOptions> = {}): SpeechSegment[] {
  const o = { ...DEFAULT_VAD, ...options };
  const hop = Math.max(1, Math.round(o.hopSeconds * sampleRate));
  const frame = Math.max(hop, Math.round(o.frameSeconds * sampleRate));
  const energy = frameEnergiesDb(signal, frame, hop);
  if (energy.length === 0) return [];
  const floor = Math.max(o.minFloorDb, percentile(energy, o.floorPercentile));
  const frames = (seconds: number) => Math.round(seconds / o.hopSeconds);

  // Pauses are measured before the hangover, which would have filled `hangover` frames of them.
  const hangover = frames(o.hangoverSeconds);
  let runs = bridgePauses(activeRuns(energy, floor + o.thresholdDb), hangover + frames(o.minPauseSeconds));
  runs = runs.filter(([s, e]) => e - s >= frames(o.minSpeechSeconds));
  runs.forEach((run, k) => (run[1] = Math.min(run[1] + hangover, runs[k + 1]?.[0] ?? energy.length)));
  runs = runs.flatMap((run) => cutLongRun(run, energy, frames(o.maxSegmentSeconds)));

  const duration = signal.length / sampleRate;
  // A run of frames [s, e) spans from the start of frame s to the start of frame e, so cut segments share a boundary.
  return runs.map(([s, e]) => ({ start: (s * hop) / sampleRate, end: Math.min(duration, (e * hop) / sampleRate) }));
}

/** 10·log10 of the mean square of each frame (the last, partial frame included). */
export function frameEnergiesDb(signal: Float32Array, frame: number, hop: number): Float64Array {
  return frameMeanSquares(signal, frame, hop).map((ms) => 10 * Math.log10(ms + 1e-20));
}

/** The mean square of each frame (the last, partial frame included). */
export function frameMeanSquares(signal: Float32Array, frame: number, hop: number): Float64Array {
  const count = signal.length === 0 ? 0 : Math.max(1, Math.ceil((signal.length - frame) / hop) + 1);
  const out = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    const end = Math.min(signal.length, f * hop + frame);
    let sum = 0;
    for (let i = f * hop; i < end; i++) sum += signal[i] * signal[i];
    out[f] = sum / (end - f * hop);
  }
  return out;
}

/** The value at fraction `p` of the way up the sorted values (index floor(p·n), at most the last). */
export function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Runs of consecutive frames above the threshold. */
function activeRuns(energy: Float64Array, threshold: number): Run[] {
  const runs: Run[] = [];
  for (let f = 0; f < energy.length; f++) {
    if (energy[f] <= threshold) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === f) last[1] = f + 1;
    else runs.push([f, f + 1]);
  }
  return runs;
}

/** Merges runs separated by fewer than `minGap` frames. */
function bridgePauses(runs: Run[], minGap: number): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    if (last && run[0] - last[1] < minGap) last[1] = run[1];
    else out.push([run[0], run[1]]);
  }
  return out;
}

/** Splits a run longer than `max` frames at the quietest frame of the second half of each window. */
function cutLongRun([start, end]: Run, energy: Float64Array, max: number): Run[] {
  const out: Run[] = [];
  while (end - start > max) {
    let cut = start + max;
    for (let f = start + Math.floor(max / 2); f < start + max; f++) if (energy[f] < energy[cut]) cut = f;
    out.push([start, cut]);
    start = cut;
  }
  out.push([start, end]);
  return out;
}
