import type { Batch } from '../train/dataset';
import type { Corpus } from './corpus';
import { encodeWords } from './vocabulary';

/**
 * Batches of similar-length utterances (less padding, so less wasted recurrent work):
 * utterances are sorted by length and cut into runs of `batchSize`.
 */
export function lengthBuckets(corpus: Corpus, batchSize: number): number[][] {
  const order = corpus.utterances.map((_, i) => i).sort((a, b) => corpus.utterances[a].steps - corpus.utterances[b].steps);
  const buckets: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) buckets.push(order.slice(i, i + batchSize));
  return buckets;
}

/** Features [B, T, dim] padded to the longest utterance, word ids padded with -1, lengths. */
export function corpusBatch(corpus: Corpus, ids: number[]): Batch {
  const dim = corpus.featureDim;
  const utts = ids.map((i) => corpus.utterances[i]);
  const T = Math.max(...utts.map((u) => u.steps));
  const labels = utts.map((u) => encodeWords(u.text));
  const L = Math.max(...labels.map((l) => l.length));
  const x = new Float32Array(utts.length * T * dim);
  const y = new Int32Array(utts.length * L).fill(-1);
  utts.forEach((u, b) => {
    x.set(corpus.features.subarray(u.offset, u.offset + u.steps * dim), b * T * dim);
    y.set(labels[b], b * L);
  });
  return {
    x: { data: x, batch: utts.length, time: T, features: dim },
    y: { data: y, batch: utts.length, time: L, features: 1 },
    lengths: Int32Array.from(utts, (u) => u.steps),
  };
}
