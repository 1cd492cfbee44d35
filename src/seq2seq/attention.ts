/**
 * Luong "general" attention: score(d_t, e_s) = d_tᵀ·W·e_s over the valid source steps,
 * α = softmax over s, context c_t = Σ_s α_ts·e_s. Queries are decoder states [B, T, Hd],
 * keys/values are encoder outputs [B, S, He].
 */
import { alloc, type DType } from '../core/dtype';
import { gemmNN, gemmNT, gemmTN } from '../core/gemm';
import { makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { ShapeError, type Seq } from '../core/seq';

interface AttentionCache {
  dec: Seq;
  enc: Seq;
  keys: Float32Array | Float64Array;
  weights: Float32Array | Float64Array;
  srcLengths: Int32Array;
}

export class LuongAttention {
  readonly weight: Param;
  private cache: AttentionCache | null = null;

  constructor(readonly queryFeatures: number, readonly valueFeatures: number, readonly dtype: DType, rng: Rng) {
    this.weight = makeParam('attention_weight', [queryFeatures, valueFeatures], dtype);
    const k = 1 / Math.sqrt(valueFeatures);
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.uniform(-k, k);
  }

  params(): Param[] {
    return [this.weight];
  }

  /** Attention weights of the last forward, [B, T, S] (zero beyond each source length). */
  get lastWeights(): { data: Float32Array | Float64Array; batch: number; time: number; source: number } {
    if (!this.cache) throw new Error('no forward has run yet');
    const { dec, enc, weights } = this.cache;
    return { data: weights, batch: dec.batch, time: dec.time, source: enc.time };
  }

  forward(dec: Seq, enc: Seq, srcLengths: Int32Array): Seq {
    const { batch: B, time: T, features: Hd } = dec;
    const { time: S, features: He } = enc;
    if (Hd !== this.queryFeatures) throw new ShapeError(`attention expects ${this.queryFeatures} query features, got ${Hd}`);
    if (He !== this.valueFeatures) throw new ShapeError(`attention expects ${this.valueFeatures} value features, got ${He}`);
    if (enc.batch !== B) throw new ShapeError(`attention: ${B} decoder sequences but ${enc.batch} encoder sequences`);
    if (srcLengths.length !== B) throw new ShapeError(`attention: ${srcLengths.length} source lengths for a batch of ${B}`);
    const W = this.weight.value;
    const keys = alloc(this.dtype, B * S * Hd);
    const weights = alloc(this.dtype, B * T * S);
    const ctx = alloc(this.dtype, B * T * He);
    for (let b = 0; b < B; b++) {
      const L = srcLengths[b];
      if (L < 1) throw new ShapeError(`attention: source sequence ${b} is empty`);
      gemmNT(L, Hd, He, enc.data, b * S * He, W, 0, keys, b * S * Hd);
      gemmNT(T, S, Hd, dec.data, b * T * Hd, keys, b * S * Hd, weights, b * T * S);
      for (let t = 0; t < T; t++) softmaxPrefix(weights, (b * T + t) * S, L, S);
      gemmNN(T, He, S, weights, b * T * S, enc.data, b * S * He, ctx, b * T * He);
    }
    this.cache = { dec, enc, keys, weights, srcLengths };
    return { data: ctx, batch: B, time: T, features: He };
  }

  /** Accumulates dW; returns dL/d(decoder states) and dL/d(encoder outputs). */
  backward(dCtx: Seq): { dDec: Seq; dEnc: Seq } {
    const c = this.cache;
    if (!c) throw new Error('backward called before forward');
    const { dec, enc, keys, weights, srcLengths } = c;
    const { batch: B, time: T, features: Hd } = dec;
    const { time: S, features: He } = enc;
    const W = this.weight.value;
    const dDec = alloc(this.dtype, B * T * Hd);
    const dEnc = alloc(this.dtype, B * S * He);
    const dScore = alloc(this.dtype, T * S);
    const dKeys = alloc(this.dtype, S * Hd);
    for (let b = 0; b < B; b++) {
      const L = srcLengths[b];
      dScore.fill(0);
      dKeys.fill(0);
      gemmNT(T, S, He, dCtx.data, b * T * He, enc.data, b * S * He, dScore, 0);
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * S;
        let dot = 0;
        for (let s = 0; s < L; s++) dot += weights[o + s] * dScore[t * S + s];
        for (let s = 0; s < S; s++) dScore[t * S + s] = s < L ? weights[o + s] * (dScore[t * S + s] - dot) : 0;
      }
      gemmNN(T, Hd, S, dScore, 0, keys, b * S * Hd, dDec, b * T * Hd);
      gemmTN(S, Hd, T, dScore, 0, dec.data, b * T * Hd, dKeys, 0);
      gemmTN(S, He, T, weights, b * T * S, dCtx.data, b * T * He, dEnc, b * S * He);
      gemmNN(S, He, Hd, dKeys, 0, W, 0, dEnc, b * S * He);
      gemmTN(Hd, He, S, dKeys, 0, enc.data, b * S * He, this.weight.grad, 0);
    }
    return { dDec: { data: dDec, batch: B, time: T, features: Hd }, dEnc: { data: dEnc, batch: B, time: S, features: He } };
  }
}

/** In-place softmax over a[o .. o+L), zeroing a[o+L .. o+S). */
function softmaxPrefix(a: Float32Array | Float64Array, o: number, L: number, S: number): void {
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
