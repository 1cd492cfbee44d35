/**
 * Attention over a set of keys (which are also the values), usable on its own or inside a model:
 * queries [B, T, Q] attend over keys [B, S, K] (only the first keyLengths[b] keys of sequence b),
 * α_t = softmax_s score(q_t, k_s), context c_t = Σ_s α_ts·k_s [B, T, K]. Scores (Luong et al. 2015,
 * Bahdanau et al. 2015):
 *   dot       qᵀk                      (Q = K, no parameters)
 *   general   qᵀ·W·k                   W [Q, K]
 *   additive  vᵀ tanh(W_q·q + W_k·k)   W_q [A, Q], W_k [A, K], v [A]
 * `backward` accumulates the parameter gradients and returns dL/dqueries and dL/dkeys.
 */
import { alloc, type Arr, type DType } from '../core/dtype';
import { gemmNN, gemmNT, gemmTN } from '../core/gemm';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { ShapeError, type Seq } from '../core/seq';

export type AttentionScore = 'dot' | 'general' | 'additive';
export const ATTENTION_SCORES: readonly AttentionScore[] = ['dot', 'general', 'additive'];

export interface AttentionSpec {
  score: AttentionScore;
  queryFeatures: number;
  keyFeatures: number;
  /** Width A of the additive score's hidden layer (default: queryFeatures). */
  hiddenSize?: number;
}

export interface AttentionWeights {
  /** [B, T, S], zero beyond each key length. */
  data: Arr;
  batch: number;
  time: number;
  source: number;
}

interface Cache {
  q: Seq;
  k: Seq;
  lengths: Int32Array;
  weights: Arr;
  /** dot/general: the keys as the queries see them ([B, S, Q]: k, or k·Wᵀ). */
  projected: Arr;
  /** additive: tanh(W_q·q_t + W_k·k_s) [B, T, S, A]. */
  hidden: Arr;
}

export class Attention {
  readonly score: AttentionScore;
  /** general: W [Q, K]; additive: W_q [A, Q], W_k [A, K], v [A]. */
  readonly weights: Param[];
  private readonly A: number;
  private cache: Cache | null = null;

  constructor(readonly spec: AttentionSpec, readonly dtype: DType, rng: Rng) {
    const { score, queryFeatures: Q, keyFeatures: K } = spec;
    if (!ATTENTION_SCORES.includes(score)) throw new ShapeError(`attention score must be one of ${ATTENTION_SCORES.join(', ')}, got '${String(score)}'`);
    for (const [name, n] of [['queryFeatures', Q], ['keyFeatures', K], ['hiddenSize', spec.hiddenSize ?? Q]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new ShapeError(`attention: ${name} must be a positive integer, got ${n}`);
    }
    if (score === 'dot' && Q !== K) throw new ShapeError(`dot attention needs as many query as key features (${Q} vs ${K})`);
    this.score = score;
    this.A = spec.hiddenSize ?? Q;
    const shapes: [string, number[]][] =
      score === 'general' ? [['attention_weight', [Q, K]]] : score === 'additive' ? [['query_weight', [this.A, Q]], ['key_weight', [this.A, K]], ['score_vector', [this.A]]] : [];
    this.weights = shapes.map(([name, shape]) => {
      const p = makeParam(name, shape, dtype);
      const r = 1 / Math.sqrt(shape[shape.length - 1]);
      for (let i = 0; i < p.value.length; i++) p.value[i] = rng.uniform(-r, r);
      return p;
    });
  }

  params(): Param[] {
    return this.weights;
  }

  /** Attention weights of the last forward. */
  get lastWeights(): AttentionWeights {
    if (!this.cache) throw new Error('no forward has run yet');
    const { q, k, weights } = this.cache;
    return { data: weights, batch: q.batch, time: q.time, source: k.time };
  }

  forward(q: Seq, k: Seq, keyLengths: Int32Array): Seq {
    const { batch: B, time: T, features: Q } = q;
    const { time: S, features: K } = k;
    if (Q !== this.spec.queryFeatures) throw new ShapeError(`attention expects ${this.spec.queryFeatures} query features, got ${Q}`);
    if (K !== this.spec.keyFeatures) throw new ShapeError(`attention expects ${this.spec.keyFeatures} key features, got ${K}`);
    if (k.batch !== B) throw new ShapeError(`attention: ${B} query sequences but ${k.batch} key sequences`);
    if (keyLengths.length !== B) throw new ShapeError(`attention: ${keyLengths.length} key lengths for a batch of ${B}`);
    for (let b = 0; b < B; b++) {
      if (!(keyLengths[b] >= 1 && keyLengths[b] <= S)) throw new ShapeError(`attention: key length ${keyLengths[b]} of sequence ${b} is not in [1, ${S}]`);
    }
    const weights = alloc(this.dtype, B * T * S);
    let projected: Arr = k.data;
    let hidden: Arr = weights.subarray(0, 0);
    if (this.score === 'general') {
      projected = alloc(this.dtype, B * S * Q);
      gemmNT(B * S, Q, K, k.data, 0, this.weights[0].value, 0, projected, 0);
    }
    if (this.score === 'additive') hidden = this.additiveScores(q, k, weights);
    for (let b = 0; b < B; b++) {
      if (this.score !== 'additive') gemmNT(T, S, Q, q.data, b * T * Q, projected, b * S * Q, weights, b * T * S);
      for (let t = 0; t < T; t++) softmaxPrefix(weights, (b * T + t) * S, keyLengths[b], S);
    }
    const ctx = alloc(this.dtype, B * T * K);
    for (let b = 0; b < B; b++) gemmNN(T, K, S, weights, b * T * S, k.data, b * S * K, ctx, b * T * K);
    this.cache = { q, k, lengths: keyLengths, weights, projected, hidden };
    return { data: ctx, batch: B, time: T, features: K };
  }

  backward(dCtx: Seq): { dQuery: Seq; dKeys: Seq } {
    const c = this.cache;
    if (!c) throw new Error('backward called before forward');
    const { q, k, weights, lengths } = c;
    const { batch: B, time: T, features: Q } = q;
    const { time: S, features: K } = k;
    const dQ = alloc(this.dtype, B * T * Q);
    const dK = alloc(this.dtype, B * S * K);
    const dScore = alloc(this.dtype, B * T * S);
    for (let b = 0; b < B; b++) {
      // Value path, then the softmax's Jacobian: dscore = α ⊙ (dα − Σ α·dα).
      gemmTN(S, K, T, weights, b * T * S, dCtx.data, b * T * K, dK, b * S * K);
      gemmNT(T, S, K, dCtx.data, b * T * K, k.data, b * S * K, dScore, b * T * S);
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * S;
        let dot = 0;
        for (let s = 0; s < lengths[b]; s++) dot += weights[o + s] * dScore[o + s];
        for (let s = 0; s < S; s++) dScore[o + s] = s < lengths[b] ? weights[o + s] * (dScore[o + s] - dot) : 0;
      }
    }
    if (this.score === 'additive') this.additiveBackward(dScore, dQ, dK);
    else {
      const dProj = this.score === 'dot' ? dK : alloc(this.dtype, B * S * Q);
      for (let b = 0; b < B; b++) {
        gemmNN(T, Q, S, dScore, b * T * S, c.projected, b * S * Q, dQ, b * T * Q);
        gemmTN(S, Q, T, dScore, b * T * S, q.data, b * T * Q, dProj, b * S * Q);
      }
      if (this.score === 'general') {
        gemmNN(B * S, K, Q, dProj, 0, this.weights[0].value, 0, dK, 0);
        gemmTN(Q, K, B * S, dProj, 0, k.data, 0, this.weights[0].grad, 0);
      }
    }
    return { dQuery: { data: dQ, batch: B, time: T, features: Q }, dKeys: { data: dK, batch: B, time: S, features: K } };
  }

  /** Writes vᵀ tanh(W_q·q_t + W_k·k_s) into scores; returns the tanh values. */
  private additiveScores(q: Seq, k: Seq, scores: Arr): Arr {
    const { batch: B, time: T } = q;
    const S = k.time;
    const A = this.A;
    const [wq, wk, v] = this.weights.map((p) => p.value);
    const u = alloc(this.dtype, B * T * A);
    const w = alloc(this.dtype, B * S * A);
    gemmNT(B * T, A, q.features, q.data, 0, wq, 0, u, 0);
    gemmNT(B * S, A, k.features, k.data, 0, wk, 0, w, 0);
    const hidden = alloc(this.dtype, B * T * S * A);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < S; s++) {
          const o = ((b * T + t) * S + s) * A;
          let sum = 0;
          for (let a = 0; a < A; a++) {
            const h = Math.tanh(u[(b * T + t) * A + a] + w[(b * S + s) * A + a]);
            hidden[o + a] = h;
            sum += v[a] * h;
          }
          scores[(b * T + t) * S + s] = sum;
        }
      }
    }
    return hidden;
  }

  private additiveBackward(dScore: Arr, dQ: Arr, dK: Arr): void {
    const { q, k, hidden } = this.cache!;
    const { batch: B, time: T } = q;
    const S = k.time;
    const A = this.A;
    const [wq, wk, v] = this.weights;
    const du = alloc(this.dtype, B * T * A);
    const dw = alloc(this.dtype, B * S * A);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < S; s++) {
          const ds = dScore[(b * T + t) * S + s];
          if (ds === 0) continue;
          const o = ((b * T + t) * S + s) * A;
          for (let a = 0; a < A; a++) {
            const h = hidden[o + a];
            v.grad[a] += ds * h;
            const dPre = ds * v.value[a] * (1 - h * h);
            du[(b * T + t) * A + a] += dPre;
            dw[(b * S + s) * A + a] += dPre;
          }
        }
      }
    }
    gemmTN(A, q.features, B * T, du, 0, q.data, 0, wq.grad, 0);
    gemmNN(B * T, q.features, A, du, 0, wq.value, 0, dQ, 0);
    gemmTN(A, k.features, B * S, dw, 0, k.data, 0, wk.grad, 0);
    gemmNN(B * S, k.features, A, dw, 0, wk.value, 0, dK, 0);
  }
}

/** In-place softmax over a[o .. o+L), zeroing a[o+L .. o+S) (the masked keys). */
function softmaxPrefix(a: Arr, o: number, L: number, S: number): void {
  let max = -Infinity;
  for (let s = 0; s < L; s++) max = Math.max(max, a[o + s]);
  let z = 0;
  for (let s = 0; s < L; s++) {
    a[o + s] = Math.exp(a[o + s] - max);
    z += a[o + s];
  }
  for (let s = 0; s < L; s++) a[o + s] /= z;
  for (let s = L; s < S; s++) a[o + s] = 0;
}
