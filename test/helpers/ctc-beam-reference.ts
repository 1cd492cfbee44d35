import { rowLogSumExp } from '../../src/core/rows';
import { CTC_BLANK } from '../../src/losses/ctc';

/**
 * The specification of beamDecode (src/decode/ctc-decode.ts): its first, plain implementation, with
 * prefixes as string keys and the candidates of a step in a Map, in the order they were first reached
 * (for each beam in order: its own prefix, then its extensions by 1..C-1), sorted stably by probability.
 */
export function referenceBeamDecode(logits: ArrayLike<number>, T: number, C: number, beamWidth = 8): number[] {
  interface Beam { blank: number; label: number } // log probabilities
  const logAdd = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));
  let beams = new Map<string, Beam>([['', { blank: 0, label: -Infinity }]]);
  const logSoftmax = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    const logZ = rowLogSumExp(logits, t * C, C);
    for (let k = 0; k < C; k++) logSoftmax[k] = logits[t * C + k] - logZ;
    const next = new Map<string, Beam>();
    const get = (key: string) => {
      let b = next.get(key);
      if (!b) next.set(key, (b = { blank: -Infinity, label: -Infinity }));
      return b;
    };
    for (const [key, beam] of beams) {
      const total = logAdd(beam.blank, beam.label);
      const labels = key === '' ? [] : key.split(',').map(Number);
      const last = labels.length ? labels[labels.length - 1] : -1;
      const stay = get(key);
      stay.blank = logAdd(stay.blank, total + logSoftmax[CTC_BLANK]);
      if (last >= 0) stay.label = logAdd(stay.label, beam.label + logSoftmax[last]);
      for (let k = 1; k < C; k++) {
        const ext = get(key === '' ? String(k) : `${key},${k}`);
        // Repeating the last label needs a blank in between.
        ext.label = logAdd(ext.label, (k === last ? beam.blank : total) + logSoftmax[k]);
      }
    }
    beams = new Map([...next.entries()].sort((a, b) => logAdd(b[1].blank, b[1].label) - logAdd(a[1].blank, a[1].label)).slice(0, beamWidth));
  }
  const best = [...beams.keys()][0];
  return best === '' ? [] : best.split(',').map(Number);
}
