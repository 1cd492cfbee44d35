import { rowArgmax, rowLogSumExp } from '../core/rows';
import { CTC_BLANK } from '../losses/ctc';

/** Best path: argmax per step, repeats merged, blanks dropped. logits: [T, C] of one sequence. */
export function greedyDecode(logits: ArrayLike<number>, T: number, C: number): number[] {
  const out: number[] = [];
  let prev = -1;
  for (let t = 0; t < T; t++) {
    const best = rowArgmax(logits, t * C, C);
    if (best !== prev && best !== CTC_BLANK) out.push(best);
    prev = best;
  }
  return out;
}

/** log(e^a + e^b). beamDecode breaks ties on exact equality, so this formula and its order of operations must not change. */
const logAdd = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));

/**
 * CTC prefix beam search (no language model): keeps the `beamWidth` most probable label
 * prefixes, each with separate probabilities of ending in a blank or in its last label.
 * Ties keep the order in which the candidates of a step are first reached: for each beam in
 * order, its own prefix, then its extensions by labels 1..C-1 (test/helpers/ctc-beam-reference.ts
 * is the plain specification this must equal exactly).
 */
export function beamDecode(logits: ArrayLike<number>, T: number, C: number, beamWidth = 8): number[] {
  if (!(beamWidth >= 1)) throw new RangeError(`beamDecode: beamWidth must be at least 1, not ${beamWidth}`);
  const K = Math.floor(beamWidth);
  // Prefixes are nodes of a trie, one node per prefix however often it leaves and re-enters the
  // beam, so equal prefixes have equal ids. Node 0, the empty prefix, is nobody's child: 0 also
  // ends the child lists. Only kept candidates get a node.
  const parent = [-1];
  const last = [-1];
  const firstChild = [0];
  const nextSibling = [0];
  const child = (node: number, k: number): number => {
    let c = firstChild[node];
    while (c !== 0 && last[c] !== k) c = nextSibling[c];
    if (c === 0) {
      c = parent.length;
      parent.push(node);
      last.push(k);
      firstChild.push(0);
      nextSibling.push(firstChild[node]);
      firstChild[node] = c;
    }
    return c;
  };
  // There are no more beams than prefixes of length <= T: bounds the buffers for a huge beamWidth.
  let maxBeams = 1;
  for (let t = 0, level = 1; t < T && maxBeams < K; t++) maxBeams = Math.min(K, maxBeams + (level *= C - 1));
  const maxCandidates = maxBeams * C;
  // The beams of this step and of the next, best first: prefix node, log probabilities of ending in a blank or in the last label, and of either.
  const makeBeams = () => ({ node: new Int32Array(maxBeams), blank: new Float64Array(maxBeams), label: new Float64Array(maxBeams), total: new Float64Array(maxBeams) });
  let beams = makeBeams();
  let kept = makeBeams();
  beams.label[0] = -Infinity; // the empty prefix, all blank so far
  let n = 1;
  // This step's candidates in the order first reached. An extension that is no beam's prefix
  // gets its node (from beam `from`, label `k`) only if kept.
  const cNode = new Int32Array(maxCandidates);
  const cFrom = new Int32Array(maxCandidates);
  const cK = new Int32Array(maxCandidates);
  const cBlank = new Float64Array(maxCandidates);
  const cLabel = new Float64Array(maxCandidates);
  const cTotal = new Float64Array(maxCandidates);
  const candidateOf = new Int32Array(maxBeams); // a beam's own prefix among the candidates, once reached
  const parentBeam = new Int32Array(maxBeams); // the beam whose prefix is this one's minus its last label, or -1
  const extendsTo = new Int32Array(C).fill(-1); // for the beam being extended: the beam that is its prefix + k
  const best = new Int32Array(maxBeams);
  const logSoftmax = new Float64Array(C);
  const reach = (m: number, node: number) => {
    cNode[m] = node;
    cBlank[m] = -Infinity;
    cLabel[m] = -Infinity;
  };
  for (let t = 0; t < T; t++) {
    const logZ = rowLogSumExp(logits, t * C, C);
    for (let k = 0; k < C; k++) logSoftmax[k] = logits[t * C + k] - logZ;
    // A beam's extension may be another beam's own prefix: both reach the same candidate.
    for (let j = 0; j < n; j++) {
      candidateOf[j] = -1;
      parentBeam[j] = -1;
      for (let i = 0; i < n && parentBeam[j] < 0; i++) if (beams.node[i] === parent[beams.node[j]]) parentBeam[j] = i;
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      const lastLabel = last[beams.node[i]];
      const beamBlank = beams.blank[i];
      const total = beams.total[i];
      if (candidateOf[i] < 0) reach((candidateOf[i] = m++), beams.node[i]);
      const stay = candidateOf[i];
      cBlank[stay] = logAdd(cBlank[stay], total + logSoftmax[CTC_BLANK]);
      if (lastLabel >= 0) cLabel[stay] = logAdd(cLabel[stay], beams.label[i] + logSoftmax[lastLabel]);
      for (let j = 0; j < n; j++) if (parentBeam[j] === i) extendsTo[last[beams.node[j]]] = j;
      for (let k = 1; k < C; k++) {
        const j = extendsTo[k];
        let ext: number;
        if (j < 0) {
          reach((ext = m++), -1);
          cFrom[ext] = i;
          cK[ext] = k;
        } else {
          extendsTo[k] = -1;
          if (candidateOf[j] < 0) reach((candidateOf[j] = m++), beams.node[j]);
          ext = candidateOf[j];
        }
        // Repeating the last label needs a blank in between.
        cLabel[ext] = logAdd(cLabel[ext], (k === lastLabel ? beamBlank : total) + logSoftmax[k]);
      }
    }
    for (let c = 0; c < m; c++) cTotal[c] = logAdd(cBlank[c], cLabel[c]);
    // The stable top K: a candidate goes after the kept ones of equal total, reached before it.
    // Totals that compare as NaN (-Infinity with -Infinity; NaN, which a NaN or +Infinity logit
    // spreads to every total) keep their order in the specification's sort (V8's TimSort takes
    // a NaN comparison for "not less" wherever such pairs meet), and `>` is false for them here too.
    let count = 0;
    for (let c = 0; c < m; c++) {
      const v = cTotal[c];
      if (count === K && !(v > cTotal[best[K - 1]])) continue;
      let p = count < K ? count++ : K - 1;
      for (; p > 0 && v > cTotal[best[p - 1]]; p--) best[p] = best[p - 1];
      best[p] = c;
    }
    for (let r = 0; r < count; r++) {
      const c = best[r];
      kept.node[r] = cNode[c] >= 0 ? cNode[c] : child(beams.node[cFrom[c]], cK[c]);
      kept.blank[r] = cBlank[c];
      kept.label[r] = cLabel[c];
      kept.total[r] = cTotal[c];
    }
    const previous = beams;
    beams = kept;
    kept = previous;
    n = count;
  }
  const labels: number[] = [];
  for (let node = beams.node[0]; node !== 0; node = parent[node]) labels.push(last[node]);
  return labels.reverse();
}
