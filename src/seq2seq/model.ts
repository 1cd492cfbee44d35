/**
 * Encoder-decoder with Luong attention (Luong et al. 2015, "general" score, no input feeding):
 * source tokens -> embedding -> RNN encoder; target tokens (shifted right, starting with <s>)
 * -> embedding -> RNN decoder whose initial hidden state is the encoder's final one; each
 * decoder state attends over the encoder outputs; tanh(W_c [context; state]) -> vocabulary.
 */
import { rowArgmax } from '../core/rows';
import { alloc, type Arr, type DType } from '../core/dtype';
import { concatFeatures, splitFeatures } from '../core/features';
import { zeroGrads, type Param } from '../core/param';
import { Rng } from '../core/rng';
import { ShapeError, type Seq } from '../core/seq';
import type { CellType } from '../layers/cells';
import { Dense } from '../layers/dense';
import { Embedding } from '../layers/embedding';
import type { ForwardOptions } from '../layers/layer';
import { Recurrent } from '../layers/recurrent';
import { crossEntropy } from '../losses/cross-entropy';
import { LuongAttention } from './attention';
import { BOS, EOS, PAD, type TokenVocabulary } from './token-vocabulary';

export interface Seq2SeqSpec {
  source: TokenVocabulary;
  target: TokenVocabulary;
  cell?: CellType;
  embeddingDim?: number;
  hiddenSize?: number;
  seed?: number;
  dtype?: DType;
}

/** A batch of encoded pairs: decoder input is <s> y1..yn, decoder target is y1..yn </s>. */
export interface Seq2SeqBatch {
  src: Seq;
  srcLengths: Int32Array;
  decIn: Seq;
  decOut: Int32Array;
  tgtLengths: Int32Array;
}

export interface Translation {
  tokens: string[];
  /** Attention weights per output step over the source tokens. */
  attention: number[][];
}

function idsSeq(rows: Int32Array[], width: number, dtype: DType, prefix?: number, suffix?: number): Seq {
  const data = alloc(dtype, rows.length * width).fill(PAD);
  rows.forEach((r, b) => {
    let t = 0;
    if (prefix !== undefined) data[b * width + t++] = prefix;
    for (const id of r) data[b * width + t++] = id;
    if (suffix !== undefined) data[b * width + t++] = suffix;
  });
  return { data, batch: rows.length, time: width, features: 1 };
}

export class Seq2Seq {
  readonly dtype: DType;
  readonly srcEmbed: Embedding;
  readonly encoder: Recurrent;
  readonly tgtEmbed: Embedding;
  readonly decoder: Recurrent;
  readonly attention: LuongAttention;
  readonly combine: Dense;
  readonly output: Dense;
  private readonly rng: Rng;
  // Caches of the last forward, for backward.
  private combined: Arr = new Float32Array(0);
  private encOut: Seq | null = null;

  constructor(readonly spec: Seq2SeqSpec) {
    const dtype = (this.dtype = spec.dtype ?? 'float32');
    const E = spec.embeddingDim ?? 32;
    const H = spec.hiddenSize ?? 128;
    const cell = spec.cell ?? 'gru';
    const rng = new Rng(spec.seed ?? 0);
    this.rng = new Rng((spec.seed ?? 0) ^ 0x2545f491);
    this.srcEmbed = new Embedding({ type: 'embedding', vocabSize: spec.source.size, embeddingDim: E }, 1, dtype, rng);
    this.encoder = new Recurrent({ type: cell, hiddenSize: H, unitForgetBias: true }, E, dtype, rng);
    this.tgtEmbed = new Embedding({ type: 'embedding', vocabSize: spec.target.size, embeddingDim: E }, 1, dtype, rng);
    this.decoder = new Recurrent({ type: cell, hiddenSize: H, unitForgetBias: true }, E, dtype, rng);
    this.attention = new LuongAttention(H, H, dtype, rng);
    this.combine = new Dense({ type: 'dense', units: H }, 2 * H, dtype, rng);
    this.output = new Dense({ type: 'dense', units: spec.target.size }, H, dtype, rng);
  }

  params(): Param[] {
    const owners = [this.srcEmbed, this.encoder, this.tgtEmbed, this.decoder, this.attention, this.combine, this.output];
    const prefixes = ['source_embedding', 'encoder', 'target_embedding', 'decoder', 'attention', 'combine', 'output'];
    return owners.flatMap((o, i) => o.params().map((p) => Object.assign(p, { qualifiedName: `${prefixes[i]}.${p.name}` })));
  }

  zeroGrad(): void {
    zeroGrads(this.params());
  }

  /** Encodes token pairs (already split into tokens) into padded id tensors. */
  makeBatch(sources: string[][], targets: string[][]): Seq2SeqBatch {
    if (sources.length !== targets.length) throw new ShapeError(`${sources.length} sources but ${targets.length} targets`);
    if (sources.length === 0) throw new ShapeError('a batch needs at least one pair');
    const src = sources.map((s, i) => {
      if (s.length === 0) throw new ShapeError(`source ${i} is empty`);
      return this.spec.source.encode(s);
    });
    const tgt = targets.map((t) => this.spec.target.encode(t));
    const S = Math.max(...src.map((s) => s.length));
    const T = Math.max(...tgt.map((t) => t.length)) + 1;
    const decOut = idsSeq(tgt, T, 'float64', undefined, EOS).data;
    return {
      src: idsSeq(src, S, this.dtype),
      srcLengths: Int32Array.from(src, (s) => s.length),
      decIn: idsSeq(tgt, T, this.dtype, BOS),
      decOut: Int32Array.from(decOut),
      tgtLengths: Int32Array.from(tgt, (t) => t.length + 1),
    };
  }

  private encode(src: Seq, srcLengths: Int32Array, training: boolean, inference = false): Seq {
    const opts: ForwardOptions = { lengths: srcLengths, training, inference, rng: this.rng };
    return this.encoder.forward(this.srcEmbed.forward(src, opts), opts);
  }

  /** The decoder starts from the encoder's final hidden state (LSTM cell state from zero). */
  private bridge(batch: number): void {
    const h = this.encoder.finalState[0].h;
    const c = this.spec.cell === 'lstm' ? alloc(this.dtype, h.length) : undefined;
    this.decoder.initialState = [{ h, c }];
    if (h.length !== batch * this.decoder.spec.hiddenSize) throw new ShapeError('encoder and decoder batch sizes differ');
  }

  /** Decoder states -> attention -> tanh(W_c [c; d]) -> logits. */
  private head(dec: Seq, enc: Seq, srcLengths: Int32Array): Seq {
    const ctx = this.attention.forward(dec, enc, srcLengths);
    const rows = dec.batch * dec.time;
    const H = dec.features;
    const z = this.combine.forward({ data: concatFeatures([ctx.data, dec.data], rows, H, this.dtype), batch: dec.batch, time: dec.time, features: 2 * H });
    for (let i = 0; i < z.data.length; i++) z.data[i] = Math.tanh(z.data[i]);
    this.combined = z.data;
    return this.output.forward(z);
  }

  /** Teacher-forced forward: logits [B, T, target vocabulary]. */
  forward(batch: Seq2SeqBatch, training = false): Seq {
    const enc = this.encode(batch.src, batch.srcLengths, training);
    this.bridge(batch.src.batch);
    const dec = this.decoder.forward(this.tgtEmbed.forward(batch.decIn, { lengths: batch.tgtLengths, training, rng: this.rng }), {
      lengths: batch.tgtLengths,
      training,
      rng: this.rng,
    });
    this.encOut = enc;
    return this.head(dec, enc, batch.srcLengths);
  }

  /** Mean cross-entropy per target token and its gradient, backpropagated into every parameter. */
  lossAndBackward(batch: Seq2SeqBatch, training = true): { loss: number; count: number } {
    const logits = this.forward(batch, training);
    const r = crossEntropy({ perStep: true }).compute(logits, { data: batch.decOut, batch: logits.batch, time: logits.time, features: 1 }, batch.tgtLengths);
    this.backward(r.grad);
    return { loss: r.loss, count: r.count };
  }

  backward(dLogits: Seq): void {
    if (!this.encOut) throw new Error('backward called before forward');
    const dZ = this.output.backward(dLogits);
    for (let i = 0; i < dZ.data.length; i++) dZ.data[i] *= 1 - this.combined[i] * this.combined[i];
    const dCat = this.combine.backward(dZ);
    const { batch: B, time: T } = dLogits;
    const H = this.decoder.spec.hiddenSize;
    const rows = B * T;
    const dCtx = splitFeatures(dCat.data, rows, H, 2, 0, this.dtype);
    const dDec = splitFeatures(dCat.data, rows, H, 2, 1, this.dtype);
    const att = this.attention.backward({ data: dCtx, batch: B, time: T, features: H });
    for (let i = 0; i < dDec.length; i++) dDec[i] += att.dDec.data[i];
    const dDecIn = this.decoder.backward({ data: dDec, batch: B, time: T, features: H });
    if (dDecIn) this.tgtEmbed.backward(dDecIn);
    // The encoder's final state fed the decoder: its gradient enters the encoder's backward with dL/d(outputs).
    const dSrc = this.encoder.backwardWithState(att.dEnc, [{ h: this.decoder.initialStateGrad[0].h }]);
    if (dSrc) this.srcEmbed.backward(dSrc);
  }

  /** Greedy decoding, one step at a time, up to `maxLength` tokens per source. */
  translate(sources: string[][], maxLength = 32): Translation[] {
    if (sources.length === 0) return [];
    const src = sources.map((s) => this.spec.source.encode(s));
    const S = Math.max(...src.map((s) => s.length));
    if (S === 0) throw new ShapeError('cannot translate an empty source');
    const B = src.length;
    const srcLengths = Int32Array.from(src, (s) => Math.max(1, s.length));
    const enc = this.encode(idsSeq(src, S, this.dtype), srcLengths, false, true);
    this.bridge(B);
    const V = this.spec.target.size;
    const ones = new Int32Array(B).fill(1);
    const outIds: number[][] = src.map(() => []);
    const attention: number[][][] = src.map(() => []);
    const done = new Uint8Array(B);
    let prev = alloc(this.dtype, B).fill(BOS);
    for (let step = 0; step < maxLength && done.some((d) => !d); step++) {
      const step: ForwardOptions = { lengths: ones, training: false, inference: true, rng: this.rng };
      const dec = this.decoder.forward(this.tgtEmbed.forward({ data: prev, batch: B, time: 1, features: 1 }, step), step);
      this.decoder.initialState = this.decoder.finalState;
      const logits = this.head(dec, enc, srcLengths).data;
      const w = this.attention.lastWeights.data;
      const next = alloc(this.dtype, B);
      for (let b = 0; b < B; b++) {
        const best = rowArgmax(logits, b * V, V);
        next[b] = best;
        if (done[b]) continue;
        if (best === EOS) done[b] = 1;
        else {
          outIds[b].push(best);
          attention[b].push(Array.from(w.subarray(b * S, b * S + srcLengths[b])));
        }
      }
      prev = next;
    }
    this.decoder.initialState = null;
    return outIds.map((ids, b) => ({ tokens: this.spec.target.decode(ids), attention: attention[b] }));
  }
}
