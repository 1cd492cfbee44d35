/**
 * Translation baselines for the BLEU/chrF table: copying the source, and word-for-word
 * translation with the most frequent aligned target word. Words are 13a tokens (case kept).
 * Alignment: IBM model 1 (Brown et al. 1993) trained by EM from uniform t(f|e) with a NULL
 * source word, then each target word is aligned to its most probable source word (Viterbi under
 * model 1); a source word translates to the target word most often aligned to it, a word never
 * aligned to anything is dropped, and a word unseen in training is copied.
 */
import { tokenize13a } from './tokenize-13a';

const NULL = '\u0000NULL';

const words = (s: string) => tokenize13a(s).split(' ').filter((w) => w.length > 0);

export function copySource(sources: string[]): string[] {
  return sources.slice();
}

export class WordForWord {
  private constructor(
    private readonly table: Map<string, string>,
    private readonly known: Set<string>,
  ) {}

  /** Learns the dictionary from parallel sentences with `iterations` EM iterations of IBM model 1. */
  static learn(pairs: { source: string; target: string }[], iterations = 5): WordForWord {
    const sourceIds = new Map<string, number>([[NULL, 0]]);
    const targetIds = new Map<string, number>();
    const id = (m: Map<string, number>, w: string) => m.get(w) ?? m.set(w, m.size).get(w)!;
    const data = pairs.map((p) => ({ e: [0, ...words(p.source).map((w) => id(sourceIds, w))], f: words(p.target).map((w) => id(targetIds, w)) }));
    // Every co-occurring (e, f) gets a slot of t(f|e); each sentence keeps its slots [f][e] (flat).
    const F = targetIds.size;
    const slotOf = new Map<number, number>();
    const slotE: number[] = [];
    const slotF: number[] = [];
    const slots = data.map(({ e, f }) =>
      Int32Array.from(f.flatMap((fw) => e.map((ew) => slotOf.get(ew * F + fw) ?? (slotE.push(ew), slotF.push(fw), slotOf.set(ew * F + fw, slotOf.size).get(ew * F + fw)!)))),
    );
    // Uniform start (any constant: the first E-step normalises per target word).
    let t = new Float64Array(slotOf.size).fill(1);
    for (let it = 0; it < iterations; it++) {
      const counts = new Float64Array(t.length);
      data.forEach(({ e, f }, n) => {
        const s = slots[n];
        for (let j = 0; j < f.length; j++) {
          let z = 0;
          for (let i = 0; i < e.length; i++) z += t[s[j * e.length + i]];
          for (let i = 0; i < e.length; i++) counts[s[j * e.length + i]] += t[s[j * e.length + i]] / z;
        }
      });
      const totals = new Float64Array(sourceIds.size);
      counts.forEach((c, k) => (totals[slotE[k]] += c));
      t = counts.map((c, k) => c / totals[slotE[k]]);
    }
    const aligned = new Float64Array(t.length);
    data.forEach(({ e, f }, n) => {
      const s = slots[n];
      for (let j = 0; j < f.length; j++) {
        let best = s[j * e.length];
        for (let i = 1; i < e.length; i++) if (t[s[j * e.length + i]] > t[best]) best = s[j * e.length + i];
        aligned[best]++;
      }
    });
    const sourceWords = [...sourceIds.keys()];
    const targetWords = [...targetIds.keys()];
    const best = new Map<number, number>();
    aligned.forEach((c, k) => {
      if (c === 0 || slotE[k] === 0) return;
      const prev = best.get(slotE[k]);
      // Most frequent; ties to the smaller word, so the table does not depend on slot order.
      if (prev === undefined || c > aligned[prev] || (c === aligned[prev] && targetWords[slotF[k]] < targetWords[slotF[prev]])) best.set(slotE[k], k);
    });
    const table = new Map([...best].map(([e, k]) => [sourceWords[e], targetWords[slotF[k]]]));
    return new WordForWord(table, new Set(sourceWords.slice(1)));
  }

  /** The target word for a source word: its dictionary entry, '' if it never aligned, itself if unseen. */
  lookup(word: string): string {
    return this.table.get(word) ?? (this.known.has(word) ? '' : word);
  }

  translate(source: string): string {
    return words(source).map((w) => this.lookup(w)).filter((w) => w.length > 0).join(' ');
  }
}
