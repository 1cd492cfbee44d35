/**
 * Recurrent language model over integer token ids: embedding -> stacked LSTM/GRU -> dense over the
 * vocabulary, trained on random windows of a long id stream with next-token cross-entropy.
 * Evaluation streams held-out ids through the network carrying the state (bits per symbol,
 * perplexity). Characters and words differ only in their vocabulary (see char-lm.ts, word-lm.ts).
 */
import { rowLogSumExp } from '../core/rows';
import { Rng } from '../core/rng';
import { ShapeError } from '../core/seq';
import type { CellType } from '../layers/cells';
import { crossEntropy } from '../losses/cross-entropy';
import { Sequential, type LayerSpec } from '../model';
import { adam } from '../optim/optimizers';
import type { Optimizer } from '../optim/optimizer';
import type { Schedule } from '../optim/schedules';
import type { Batch } from '../train/dataset';
import { trainStep } from '../train/fit';
import { formatDuration } from '../train/progress';
import { carryState, resetState } from './recurrent-state';
import { sampleFromLogits, type SamplingOptions } from './sampling';
import { meanScored } from './mixture';
import type { TokenVocabulary } from './vocabulary';

export interface StreamOptions {
  /** Contiguous parts of the text scored side by side (default 16). */
  streams?: number;
  /** Steps per forward call; the state is carried across calls (default 256). */
  chunk?: number;
}

export interface RecurrentLMSpec<V extends TokenVocabulary = TokenVocabulary> {
  vocab: V;
  cell?: CellType;
  embeddingDim?: number;
  hiddenSize?: number;
  layers?: number;
  /** Dropout between stacked layers and before the output layer. */
  dropout?: number;
  seed?: number;
}

export interface LMTrainOptions {
  steps: number;
  batchSize?: number;
  seqLength?: number;
  lr?: number;
  /** Learning rate per step (overrides lr). */
  schedule?: Schedule;
  clipNorm?: number;
  /** Held-out ids scored every `evalEvery` steps. */
  validIds?: Int32Array;
  evalEvery?: number;
  log?: ((line: string) => void) | false;
  /** Continue with this optimizer (and its moments) from step `startStep` + 1, e.g. after loading a checkpoint. */
  optimizer?: Optimizer;
  startStep?: number;
  /** Called after every evaluation (e.g. to write a checkpoint); 'stop' ends training there. */
  onEval?: (step: number, history: LMHistory) => void | 'stop';
}

/** Bits per symbol (character or word) on the training windows and the held-out ids. */
export interface LMHistory {
  step: number[];
  trainBpc: number[];
  validBpc: number[];
  seconds: number;
}

/** B windows of T+1 consecutive ids starting at random offsets: inputs t, targets t+1. */
export function randomWindows(ids: Int32Array, batchSize: number, seqLength: number, rng: Rng): Batch {
  if (ids.length < seqLength + 1) throw new ShapeError(`text of ${ids.length} symbols is shorter than one window (${seqLength + 1})`);
  const x = new Float32Array(batchSize * seqLength);
  const y = new Int32Array(batchSize * seqLength);
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(ids.length - seqLength);
    for (let t = 0; t < seqLength; t++) {
      x[b * seqLength + t] = ids[start + t];
      y[b * seqLength + t] = ids[start + t + 1];
    }
  }
  return {
    x: { data: x, batch: batchSize, time: seqLength, features: 1 },
    y: { data: y, batch: batchSize, time: seqLength, features: 1 },
    lengths: new Int32Array(batchSize).fill(seqLength),
  };
}

/** The network of a language model: embedding -> stacked recurrent layers (dropout between) -> dense over the vocabulary. */
export function lmLayers(spec: Omit<RecurrentLMSpec, 'vocab'>, vocabSize: number): LayerSpec[] {
  const layers: LayerSpec[] = [{ type: 'embedding', vocabSize, embeddingDim: spec.embeddingDim ?? 32 }];
  for (let i = 0; i < (spec.layers ?? 1); i++) {
    if (i > 0 && spec.dropout) layers.push({ type: 'dropout', rate: spec.dropout });
    layers.push({ type: spec.cell ?? 'lstm', hiddenSize: spec.hiddenSize ?? 256, unitForgetBias: true });
  }
  if (spec.dropout) layers.push({ type: 'dropout', rate: spec.dropout });
  layers.push({ type: 'dense', units: vocabSize });
  return layers;
}

export class RecurrentLanguageModel<V extends TokenVocabulary = TokenVocabulary> {
  readonly model: Sequential;
  readonly vocab: V;
  /** Draws the training windows; its state belongs in a checkpoint. */
  readonly rng: Rng;

  constructor(readonly spec: RecurrentLMSpec<V>) {
    this.vocab = spec.vocab;
    this.model = new Sequential({ inputFeatures: 1, seed: spec.seed ?? 0, layers: lmLayers(spec, spec.vocab.size) });
    this.rng = new Rng((spec.seed ?? 0) + 1);
  }

  train(ids: Int32Array, opts: LMTrainOptions): LMHistory {
    const B = opts.batchSize ?? 32;
    const T = opts.seqLength ?? 100;
    const optimizer = opts.optimizer ?? adam({ lr: opts.lr ?? 2e-3 });
    const first = (opts.startStep ?? 0) + 1;
    const loss = crossEntropy({ perStep: true });
    const log = opts.log === false ? null : (opts.log ?? console.log);
    const evalEvery = opts.evalEvery ?? Math.max(1, Math.floor(opts.steps / 10));
    const history: LMHistory = { step: [], trainBpc: [], validBpc: [], seconds: 0 };
    const t0 = Date.now();
    let nats = 0;
    let count = 0;
    resetState(this.model);
    for (let step = first; step <= opts.steps; step++) {
      if (opts.schedule) optimizer.lr = opts.schedule(step - 1);
      const r = trainStep(this.model, randomWindows(ids, B, T, this.rng), { loss, optimizer, clipNorm: opts.clipNorm ?? 1 }, { step });
      nats += r.lossSum;
      count += r.count;
      if (step % evalEvery === 0 || step === opts.steps) {
        const trainBpc = nats / count / Math.LN2;
        const validBpc = opts.validIds ? this.bitsPerSymbol(opts.validIds) : NaN;
        history.step.push(step);
        history.trainBpc.push(trainBpc);
        history.validBpc.push(validBpc);
        nats = 0;
        count = 0;
        const sec = (Date.now() - t0) / 1000;
        const done = step - first + 1;
        log?.(
          `step ${step}/${opts.steps}  train ${this.formatBits(trainBpc)}` +
            (opts.validIds ? `  valid ${this.formatBits(validBpc)}` : '') +
            `  ${formatDuration(sec)}  ETA ${formatDuration((sec / done) * (opts.steps - step))}`,
        );
        if (opts.onEval?.(step, history) === 'stop') break;
      }
    }
    history.seconds = (Date.now() - t0) / 1000;
    return history;
  }

  /** How the training log shows a bits-per-symbol figure. */
  protected formatBits(bits: number): string {
    return `${bits.toFixed(3)} bits`;
  }

  /**
   * Bits per symbol of `ids` (each conditioned on everything before it in its stream):
   * the text is cut into `streams` contiguous parts run side by side in chunks of `chunk` steps.
   */
  bitsPerSymbol(ids: Int32Array, opts: StreamOptions = {}): number {
    return meanScored(this.symbolBits(ids, opts));
  }

  /** 2^(bits per symbol): the perplexity of `ids`, streamed as in bitsPerSymbol. */
  perplexity(ids: Int32Array, opts: StreamOptions = {}): number {
    return 2 ** this.bitsPerSymbol(ids, opts);
  }

  /**
   * -log2 p of each symbol of `ids` given the symbols before it in its stream (see bitsPerSymbol);
   * NaN where a symbol is not scored (the first of each stream and the remainder at the end).
   */
  symbolBits(ids: Int32Array, opts: StreamOptions = {}): Float64Array {
    const S = Math.min(opts.streams ?? 16, Math.floor(ids.length / 2));
    if (S < 1) throw new ShapeError('need at least 2 symbols to score');
    const chunk = opts.chunk ?? 256;
    const perStream = Math.floor((ids.length - 1) / S);
    const V = this.vocab.size;
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] < V)) throw new ShapeError(`id ${ids[i]} at position ${i} is outside the vocabulary (size ${V})`);
    }
    const out = new Float64Array(ids.length).fill(NaN);
    resetState(this.model);
    for (let start = 0; start < perStream; start += chunk) {
      const T = Math.min(chunk, perStream - start);
      const x = new Float32Array(S * T);
      for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) x[s * T + t] = ids[s * perStream + start + t];
      const logits = this.model.forward({ data: x, batch: S, time: T, features: 1 }, { inference: true }).data;
      carryState(this.model);
      for (let s = 0; s < S; s++) {
        for (let t = 0; t < T; t++) {
          const o = (s * T + t) * V;
          const at = s * perStream + start + t + 1;
          out[at] = (rowLogSumExp(logits, o, V) - logits[o + ids[at]]) / Math.LN2;
        }
      }
    }
    resetState(this.model);
    return out;
  }

  /**
   * Continues `prompt` by `length` symbols, sampling at a temperature (0 = greedy) or with
   * temperature, top-k and top-p (see sampleFromLogits); the same seed gives the same text.
   */
  generate(prompt: string, length: number, sampling: number | SamplingOptions, seed = 0): string {
    const promptIds = this.vocab.encode(prompt);
    if (promptIds.length === 0) throw new ShapeError('generate needs a non-empty prompt');
    const rng = new Rng(seed);
    const V = this.vocab.size;
    resetState(this.model);
    let logits = this.model.forward({ data: Float32Array.from(promptIds), batch: 1, time: promptIds.length, features: 1 }, { inference: true }).data;
    let last = promptIds.length - 1;
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      carryState(this.model);
      const id = sampleFromLogits(logits, sampling, rng, last * V, V);
      out.push(id);
      logits = this.model.forward({ data: Float32Array.of(id), batch: 1, time: 1, features: 1 }, { inference: true }).data;
      last = 0;
    }
    resetState(this.model);
    return this.continueText(prompt, out);
  }

  /** The prompt followed by the generated ids as text. */
  protected continueText(prompt: string, ids: number[]): string {
    return prompt + this.vocab.decode(ids);
  }
}
