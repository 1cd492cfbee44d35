export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Min and median of per-run figures (each run's median ms/step). */
export interface Summary {
  runs: number;
  min: number;
  median: number;
}

export function summarize(xs: number[]): Summary | null {
  return xs.length ? { runs: xs.length, min: Math.min(...xs), median: median(xs) } : null;
}
