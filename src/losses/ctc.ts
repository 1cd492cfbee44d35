import { alloc } from '../core/dtype';
import { ShapeError, type Seq } from '../core/seq';
import { rowLogSumExp } from '../core/rows';
import type { Loss, LossResult, Target } from './loss';

/** Index of the CTC blank symbol in the class axis. */
export const CTC_BLANK = 0;

const NEG_INF = -Infinity;
function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Connectionist temporal classification loss (Graves et al. 2006) on logits [B, T, C]
 * with blank = class 0, computed by the log-space forward-backward algorithm.
 * Targets: label ids [B, L] padded with -1 (features 1); each sequence's input length
 * comes from `lengths`. The loss is the mean over sequences of -log p(labels | input).
 * A sequence whose labels cannot fit its length (too short for the labels and the blanks
 * between repeats) has p = 0: it adds nothing and is counted in `impossible`.
 */
export class CtcLoss implements Loss {
  readonly name = 'ctc';
  /** Sequences skipped in the last call because no alignment exists. */
  impossible = 0;

  compute(logits: Seq, target: Target, lengths: Int32Array): LossResult {
    const { batch: B, time: T, features: C } = logits;
    if (target.batch !== B) throw new ShapeError(`ctc: ${target.batch} label sequences for a batch of ${B}`);
    const L = target.time * target.features;
    const grad = alloc(logits.data instanceof Float64Array ? 'float64' : 'float32', logits.data.length);
    let total = 0;
    let counted = 0;
    this.impossible = 0;
    const results: { b: number; logp: number; occupancy: Float64Array; logProbs: Float64Array; Tb: number }[] = [];
    for (let b = 0; b < B; b++) {
      const labels: number[] = [];
      for (let i = 0; i < L; i++) {
        const v = target.data[b * L + i];
        if (v < 0) break;
        if (!Number.isInteger(v) || v === CTC_BLANK || v >= C) {
          throw new ShapeError(`ctc: label ${v} of sequence ${b} is not a class in [1, ${C}) (0 is the blank)`);
        }
        labels.push(v);
      }
      const Tb = Math.min(lengths[b], T);
      const r = sequenceCtc(logits.data, b * T * C, Tb, C, labels);
      if (r === null) {
        this.impossible++;
        continue;
      }
      results.push({ b, ...r, Tb });
    }
    const scale = results.length > 0 ? 1 / results.length : 0;
    for (const { b, logp, occupancy, logProbs, Tb } of results) {
      total -= logp;
      counted++;
      // d(-log p)/d logit[t,k] = softmax[t,k] − occupancy of symbol k at t
      for (let t = 0; t < Tb; t++) {
        for (let k = 0; k < C; k++) {
          grad[(b * T + t) * C + k] = (Math.exp(logProbs[t * C + k]) - occupancy[t * C + k]) * scale;
        }
      }
    }
    return { loss: total * scale, grad: { ...logits, data: grad }, count: counted };
  }
}

/** Forward-backward for one sequence; null when no alignment exists. */
function sequenceCtc(
  data: ArrayLike<number>, off: number, T: number, C: number, labels: number[],
): { logp: number; occupancy: Float64Array; logProbs: Float64Array } | null {
  const logProbs = ctcLogProbs(data, T, C, off);
  const forward = ctcForward(logProbs, T, C, labels);
  if (forward === null) return null;
  const { alpha, logp } = forward;
  const { S, sym, canSkip } = extendedLabels(labels);
  // beta excludes the emission at t, so alpha·beta is the probability of passing s at t.
  const beta = new Float64Array(T * S).fill(NEG_INF);
  beta[(T - 1) * S + S - 1] = 0;
  if (S > 1) beta[(T - 1) * S + S - 2] = 0;
  for (let t = T - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      const next = (s2: number) => beta[(t + 1) * S + s2] + logProbs[(t + 1) * C + sym(s2)];
      let v = next(s);
      if (s + 1 < S) v = logAdd(v, next(s + 1));
      if (s + 2 < S && canSkip(s + 2)) v = logAdd(v, next(s + 2));
      beta[t * S + s] = v;
    }
  }
  const occupancy = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      const v = alpha[t * S + s] + beta[t * S + s] - logp;
      if (v !== NEG_INF) occupancy[t * C + sym(s)] += Math.exp(v);
    }
  }
  return { logp, occupancy, logProbs };
}

/** Whether T steps can hold the labels and the blanks between repeats. */
function canAlign(T: number, labels: number[]): boolean {
  let repeats = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) repeats++;
  return T > 0 && labels.length + repeats <= T;
}

/** The labels with blanks around and between them (S symbols), and the transitions that skip a blank. */
function extendedLabels(labels: number[]): { S: number; sym: (s: number) => number; canSkip: (s: number) => boolean } {
  const sym = (s: number) => (s % 2 === 0 ? CTC_BLANK : labels[(s - 1) >> 1]);
  return { S: 2 * labels.length + 1, sym, canSkip: (s: number) => s >= 2 && sym(s) !== CTC_BLANK && sym(s) !== sym(s - 2) };
}

/**
 * The CTC forward pass over log-probabilities [T, C]: alpha ([T, 2L + 1], log) and log p(labels);
 * null when no alignment exists.
 */
function ctcForward(logProbs: Float64Array, T: number, C: number, labels: number[]): { alpha: Float64Array; logp: number } | null {
  if (!canAlign(T, labels)) return null;
  const { S, sym, canSkip } = extendedLabels(labels);
  const alpha = new Float64Array(T * S).fill(NEG_INF);
  alpha[0] = logProbs[sym(0)];
  if (S > 1) alpha[1] = logProbs[sym(1)];
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[(t - 1) * S + s];
      if (s >= 1) a = logAdd(a, alpha[(t - 1) * S + s - 1]);
      if (canSkip(s)) a = logAdd(a, alpha[(t - 1) * S + s - 2]);
      alpha[t * S + s] = a === NEG_INF ? NEG_INF : a + logProbs[t * C + sym(s)];
    }
  }
  const logp = logAdd(alpha[(T - 1) * S + S - 1], S > 1 ? alpha[(T - 1) * S + S - 2] : NEG_INF);
  return logp === NEG_INF ? null : { alpha, logp };
}

export const ctc = (): CtcLoss => new CtcLoss();

/**
 * Log-softmax of each of T steps of logits [T, C] (from `off`): what CTC scores labels on. Made once,
 * it serves any number of ctcLogLikelihoodOfLogProbs calls on the same logits.
 */
export function ctcLogProbs(logits: ArrayLike<number>, T: number, C: number, off = 0): Float64Array {
  const logProbs = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    const lz = rowLogSumExp(logits, off + t * C, C);
    for (let k = 0; k < C; k++) logProbs[t * C + k] = logits[off + t * C + k] - lz;
  }
  return logProbs;
}

/** log p(labels | logits) under CTC from the logits' ctcLogProbs ([T, C]); -Infinity if impossible. */
export function ctcLogLikelihoodOfLogProbs(logProbs: Float64Array, T: number, C: number, labels: number[]): number {
  return ctcForward(logProbs, T, C, labels)?.logp ?? -Infinity;
}

/** log p(labels | logits) under CTC for one sequence of T steps (logits [T, C]); -Infinity if impossible. */
export function ctcLogLikelihood(logits: ArrayLike<number>, T: number, C: number, labels: number[]): number {
  return ctcLogLikelihoodOfLogProbs(ctcLogProbs(logits, T, C), T, C, labels);
}
