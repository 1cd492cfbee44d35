/**
 * Encoder-decoder with attention (Luong et al. 2015, no input feeding): source tokens ->
 * embedding -> RNN encoder (optionally bidirectional); target tokens (shifted right, starting
 * with <s>) -> embedding -> RNN decoder whose initial hidden state is the encoder's final one
 * (the sum of both directions' when bidirectional); each decoder state attends over the encoder
 * outputs (src/layers/attention.ts); tanh(W_c [context; state]) -> vocabulary.
 */
import { rowArgmax } from '../core/rows';
import { alloc, type Arr, type DType } from '../core/dtype';
import { zeroGrads, type Param } from '../core/param';
import { Rng } from '../core/rng';
import { ShapeError, type Seq } from '../core/seq';
import type { CellType } from '../layers/cells';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { Embedding } from '../layers/embedding';
import type { ForwardOptions } from '../layers/layer';
import { Recurrent } from '../layers/recurrent';
import { crossEntropy } from '../losses/cross-entropy';
import { Attention, type AttentionScore } from '../layers/attention';
import type { DirectionState } from '../layers/recurrent-direction';
import { BOS, EOS, PAD, type TokenVocabulary } from './token-vocabulary';

export interface Seq2SeqSpec {
  source: TokenVocabulary;
  target: TokenVocabulary;
  cell?: CellType;
  embeddingDim?: number;
  hiddenSize?: number;
  seed?: number;
  dtype?: DType;
  /** Bidirectional encoder (its outputs have 2 x hiddenSize features). */
  bidirectional?: boolean;
  /** Attention score (default 'general'; 'dot' needs a unidirectional encoder). */
  attention?: AttentionScore;
  /** Dropout rate on both embeddings' outputs and on tanh(W_c [c; d]) while training (default 0). */
  dropout?: number;
  /**
   * One table for the source and target embeddings and the output projection (Press & Wolf 2017),
   * initialised N(0, 1/embeddingDim): needs the same vocabulary on both sides and embeddingDim = hiddenSize.
   */
  tiedEmbeddings?: boolean;
}

/** What step-by-step decoding carries: encoder outputs and the decoder state of every row. */
export interface DecodingState {
  enc: Seq;
  srcLengths: Int32Array;
  state: DirectionState;
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
  readonly attention: Attention;
  readonly combine: Dense;
  readonly output: Dense;
  private readonly sourceDropout: Dropout;
  private readonly targetDropout: Dropout;
  private readonly combinedDropout: Dropout;
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
    const shared = spec.tiedEmbeddings ? tiedTable(this.srcEmbed.weight, spec, E, H) : undefined;
    this.encoder = new Recurrent({ type: cell, hiddenSize: H, unitForgetBias: true, bidirectional: spec.bidirectional }, E, dtype, rng);
    this.tgtEmbed = new Embedding({ type: 'embedding', vocabSize: spec.target.size, embeddingDim: E }, 1, dtype, rng, shared);
    this.decoder = new Recurrent({ type: cell, hiddenSize: H, unitForgetBias: true }, E, dtype, rng);
    const K = this.encoder.outputFeatures;
    this.attention = new Attention({ score: spec.attention ?? 'general', queryFeatures: H, keyFeatures: K }, dtype, rng);
    this.combine = new Dense({ type: 'dense', units: H }, K + H, dtype, rng);
    this.output = new Dense({ type: 'dense', units: spec.target.size }, H, dtype, rng, shared);
    const dropout = { type: 'dropout' as const, rate: spec.dropout ?? 0 };
    this.sourceDropout = new Dropout(dropout, E, dtype);
    this.targetDropout = new Dropout(dropout, E, dtype);
    this.combinedDropout = new Dropout(dropout, H, dtype);
  }

  params(): Param[] {
    const owners = [this.srcEmbed, this.encoder, this.tgtEmbed, this.decoder, this.attention, this.combine, this.output];
    const prefixes = ['source_embedding', 'encoder', 'target_embedding', 'decoder', 'attention', 'combine', 'output'];
    // A tied table is listed once, under its first owner's name.
    const seen = new Set<Param>();
    const out: Param[] = [];
    owners.forEach((o, i) => {
      for (const p of o.params()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push(Object.assign(p, { qualifiedName: `${prefixes[i]}.${p.name}` }));
      }
    });
    return out;
  }

  zeroGrad(): void {
    zeroGrads(this.params());
  }

  /** The state of the generator that draws dropout masks (saved in checkpoints, so a resumed run draws the same). */
  get dropoutState(): number[] {
    return this.rng.getState();
  }

  set dropoutState(state: number[]) {
    this.rng.setState(state);
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
    return this.encoder.forward(this.sourceDropout.forward(this.srcEmbed.forward(src, opts), opts), opts);
  }

  /** The decoder starts from the encoder's final hidden state, summed over directions (LSTM cell state from zero). */
  private bridge(batch: number): void {
    const finals = this.encoder.finalState.map((f) => f.h);
    const h = finals[0].slice();
    for (let i = 1; i < finals.length; i++) for (let k = 0; k < h.length; k++) h[k] += finals[i][k];
    const c = this.spec.cell === 'lstm' ? alloc(this.dtype, h.length) : undefined;
    this.decoder.initialState = [{ h, c }];
    if (h.length !== batch * this.decoder.spec.hiddenSize) throw new ShapeError('encoder and decoder batch sizes differ');
  }

  /** Decoder states -> attention -> tanh(W_c [c; d]) -> logits. */
  private head(dec: Seq, enc: Seq, srcLengths: Int32Array, opts: ForwardOptions): Seq {
    const ctx = this.attention.forward(dec, enc, srcLengths);
    const rows = dec.batch * dec.time;
    const z = this.combine.forward({ data: concatRows(ctx.data, dec.data, rows, ctx.features, dec.features, this.dtype), batch: dec.batch, time: dec.time, features: ctx.features + dec.features });
    for (let i = 0; i < z.data.length; i++) z.data[i] = Math.tanh(z.data[i]);
    this.combined = z.data;
    return this.output.forward(this.combinedDropout.forward(z, opts));
  }

  /** Teacher-forced forward: logits [B, T, target vocabulary]. */
  forward(batch: Seq2SeqBatch, training = false): Seq {
    const enc = this.encode(batch.src, batch.srcLengths, training);
    this.bridge(batch.src.batch);
    const opts: ForwardOptions = { lengths: batch.tgtLengths, training, rng: this.rng };
    const dec = this.decoder.forward(this.targetDropout.forward(this.tgtEmbed.forward(batch.decIn, opts), opts), opts);
    this.encOut = enc;
    return this.head(dec, enc, batch.srcLengths, opts);
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
    const dZ = this.combinedDropout.backward(this.output.backward(dLogits));
    for (let i = 0; i < dZ.data.length; i++) dZ.data[i] *= 1 - this.combined[i] * this.combined[i];
    const dCat = this.combine.backward(dZ);
    const { batch: B, time: T } = dLogits;
    const H = this.decoder.spec.hiddenSize;
    const K = this.attention.spec.keyFeatures;
    const [dCtx, dDec] = splitRows(dCat.data, B * T, K, H, this.dtype);
    const att = this.attention.backward({ data: dCtx, batch: B, time: T, features: K });
    for (let i = 0; i < dDec.length; i++) dDec[i] += att.dQuery.data[i];
    const dDecIn = this.decoder.backward({ data: dDec, batch: B, time: T, features: H });
    if (dDecIn) this.tgtEmbed.backward(this.targetDropout.backward(dDecIn));
    // The encoder's final states fed the decoder (summed): the gradient enters every direction's backward with dL/d(outputs).
    const dH0 = this.decoder.initialStateGrad[0].h;
    const dSrc = this.encoder.backwardWithState(att.dKeys, this.encoder.directions.map(() => ({ h: dH0 })));
    if (dSrc) this.srcEmbed.backward(this.sourceDropout.backward(dSrc));
  }

  /** Encodes the sources and sets up step-by-step decoding of one row per source. */
  startDecoding(sources: string[][]): DecodingState {
    const src = sources.map((s) => this.spec.source.encode(s));
    const S = Math.max(...src.map((s) => s.length));
    if (S === 0) throw new ShapeError('cannot translate an empty source');
    const srcLengths = Int32Array.from(src, (s) => Math.max(1, s.length));
    const enc = this.encode(idsSeq(src, S, this.dtype), srcLengths, false, true);
    this.bridge(src.length);
    const state = this.decoder.initialState![0];
    this.decoder.initialState = null;
    return { enc, srcLengths, state };
  }

  /**
   * One decoder step for every row of `d` (row r attends over encoder row r): feeds
   * `prev` token ids, advances d.state, returns the logits [rows, V] and attention [rows, S].
   */
  decodeStep(d: DecodingState, prev: ArrayLike<number>): { logits: Arr; attention: Arr } {
    const B = prev.length;
    const opts: ForwardOptions = { lengths: new Int32Array(B).fill(1), training: false, inference: true, rng: this.rng };
    this.decoder.initialState = [d.state];
    const dec = this.decoder.forward(this.tgtEmbed.forward({ data: alloc(this.dtype, B).map((_, i) => prev[i]), batch: B, time: 1, features: 1 }, opts), opts);
    d.state = this.decoder.finalState[0];
    this.decoder.initialState = null;
    const logits = this.head(dec, d.enc, d.srcLengths, opts).data;
    return { logits, attention: this.attention.lastWeights.data };
  }

  /** Greedy decoding, one step at a time, up to `maxLength` tokens per source. */
  translate(sources: string[][], maxLength = 32): Translation[] {
    if (sources.length === 0) return [];
    const d = this.startDecoding(sources);
    const B = sources.length;
    const S = d.enc.time;
    const V = this.spec.target.size;
    const outIds: number[][] = sources.map(() => []);
    const attention: number[][][] = sources.map(() => []);
    const done = new Uint8Array(B);
    let prev = new Int32Array(B).fill(BOS);
    for (let step = 0; step < maxLength && done.some((x) => !x); step++) {
      const { logits, attention: w } = this.decodeStep(d, prev);
      const next = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const best = rowArgmax(logits, b * V, V);
        next[b] = best;
        if (done[b]) continue;
        if (best === EOS) done[b] = 1;
        else {
          outIds[b].push(best);
          attention[b].push(Array.from(w.subarray(b * S, b * S + d.srcLengths[b])));
        }
      }
      prev = next;
    }
    return outIds.map((ids, b) => ({ tokens: this.spec.target.decode(ids), attention: attention[b] }));
  }
}

/** Checks that tying is possible and scales the source embedding to N(0, 1/E), the scale of an output projection. */
function tiedTable(table: Param, spec: Seq2SeqSpec, E: number, H: number): Param {
  const same = spec.source.size === spec.target.size && spec.source.tokens.every((t, i) => t === spec.target.tokens[i]);
  if (!same) throw new ShapeError('tiedEmbeddings needs the same vocabulary for source and target');
  if (E !== H) throw new ShapeError(`tiedEmbeddings needs embeddingDim = hiddenSize, got ${E} and ${H}`);
  const scale = 1 / Math.sqrt(E);
  for (let i = 0; i < table.value.length; i++) table.value[i] *= scale;
  return table;
}

/** [rows, A] and [rows, B] side by side -> [rows, A+B]. */
function concatRows(a: Arr, b: Arr, rows: number, A: number, B: number, dtype: DType): Arr {
  const out = alloc(dtype, rows * (A + B));
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * A, (r + 1) * A), r * (A + B));
    out.set(b.subarray(r * B, (r + 1) * B), r * (A + B) + A);
  }
  return out;
}

/** The inverse of concatRows. */
function splitRows(x: Arr, rows: number, A: number, B: number, dtype: DType): [Arr, Arr] {
  const a = alloc(dtype, rows * A);
  const b = alloc(dtype, rows * B);
  for (let r = 0; r < rows; r++) {
    a.set(x.subarray(r * (A + B), r * (A + B) + A), r * A);
    b.set(x.subarray(r * (A + B) + A, (r + 1) * (A + B)), r * B);
  }
  return [a, b];
}
