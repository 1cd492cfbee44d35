/** Word-level edit distance (substitutions + insertions + deletions) between two transcripts. */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const r = reference.split(/\s+/).filter(Boolean);
  const h = hypothesis.split(/\s+/).filter(Boolean);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return { errors: prev[h.length], words: r.length };
}

export interface ScoreLine {
  utterances: number;
  wer: number;
  sentenceAccuracy: number;
}

/** Accumulates WER and sentence accuracy per group (e.g. "digits/10dB"). */
export class Scoreboard {
  private readonly groups = new Map<string, { errors: number; words: number; correct: number; n: number }>();

  add(group: string, reference: string, hypothesis: string): void {
    const g = this.groups.get(group) ?? { errors: 0, words: 0, correct: 0, n: 0 };
    const e = wordErrors(reference, hypothesis);
    g.errors += e.errors;
    g.words += e.words;
    g.correct += e.errors === 0 ? 1 : 0;
    g.n++;
    this.groups.set(group, g);
  }

  lines(): [string, ScoreLine][] {
    return [...this.groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => [k, { utterances: g.n, wer: g.errors / Math.max(1, g.words), sentenceAccuracy: g.correct / g.n }]);
  }

  format(): string {
    return this.lines().map(([k, s]) => `${k.padEnd(18)} ${String(s.utterances).padStart(5)} utts  WER ${(100 * s.wer).toFixed(2).padStart(6)}%  sentence accuracy ${(100 * s.sentenceAccuracy).toFixed(2).padStart(6)}%`).join('\n');
  }
}

/**
 * Word errors with the insertions counted apart: `onsetInsertions` are hypothesis words
 * inserted before the first reference word (an alignment of least edit distance that puts
 * insertions as late as it can, so a word is only called an onset insertion when no
 * alignment as good explains it otherwise).
 */
export function onsetErrors(reference: string, hypothesis: string): { errors: number; words: number; insertions: number; onsetInsertions: number } {
  const r = reference.split(/\s+/).filter(Boolean);
  const h = hypothesis.split(/\s+/).filter(Boolean);
  // d[i][j]: edit distance of r[i..] and h[j..] (suffixes), so the backtrace runs from the start.
  const d = Array.from({ length: r.length + 1 }, (_, i) => Array.from({ length: h.length + 1 }, (_, j) => (i === r.length ? h.length - j : j === h.length ? r.length - i : 0)));
  for (let i = r.length - 1; i >= 0; i--) {
    for (let j = h.length - 1; j >= 0; j--) d[i][j] = Math.min(d[i + 1][j] + 1, d[i][j + 1] + 1, d[i + 1][j + 1] + (r[i] === h[j] ? 0 : 1));
  }
  let i = 0;
  let j = 0;
  let insertions = 0;
  let onsetInsertions = 0;
  while (i < r.length || j < h.length) {
    if (i < r.length && j < h.length && d[i][j] === d[i + 1][j + 1] + (r[i] === h[j] ? 0 : 1)) {
      i++;
      j++;
    } else if (i < r.length && d[i][j] === d[i + 1][j] + 1) {
      i++;
    } else {
      insertions++;
      if (i === 0) onsetInsertions++;
      j++;
    }
  }
  return { errors: d[0][0], words: r.length, insertions, onsetInsertions };
}
