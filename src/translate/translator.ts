/**
 * A sentence translator: byte-pair encodings of both languages (learnt from the training side)
 * around a Seq2Seq model with a bidirectional encoder. Translates plain text, greedy or by beam search.
 */
import type { CellType } from '../layers/cells';
import type { AttentionScore } from '../layers/attention';
import { Seq2Seq } from '../seq2seq/model';
import { beamTranslate } from '../seq2seq/beam-translate';
import { TokenVocabulary } from '../seq2seq/token-vocabulary';
import { BytePairEncoding } from './bpe';

export interface TranslatorSpec {
  /** Byte-pair merges learnt per language. */
  merges: number;
  cell: CellType;
  embeddingDim: number;
  hiddenSize: number;
  attention: AttentionScore;
  seed: number;
  /** Dropout while training (Seq2SeqSpec.dropout; default 0). */
  dropout?: number;
  /**
   * One byte-pair encoding learnt on both languages (`merges` in all) and one embedding table for
   * source, target and output (Seq2SeqSpec.tiedEmbeddings): words Apertium leaves as they are (names,
   * numbers) are the same tokens on both sides. Needs embeddingDim = hiddenSize.
   */
  tied?: boolean;
}

export interface TranslateOptions {
  /** Beam width; 1 is greedy decoding (default 5). */
  beam?: number;
  /** Length normalisation exponent of the beam search (default 1: mean log-probability per token). */
  alpha?: number;
  /** Sentences decoded side by side. */
  batchSize?: number;
}

export interface DetailedTranslation {
  text: string;
  sourceTokens: string[];
  tokens: string[];
  /** Attention of each output token over the source tokens. */
  attention: number[][];
}

export class Translator {
  readonly model: Seq2Seq;

  constructor(readonly spec: TranslatorSpec, readonly sourceBpe: BytePairEncoding, readonly targetBpe: BytePairEncoding) {
    this.model = new Seq2Seq({
      source: new TokenVocabulary(sourceBpe.symbols()),
      target: new TokenVocabulary(targetBpe.symbols()),
      cell: spec.cell,
      embeddingDim: spec.embeddingDim,
      hiddenSize: spec.hiddenSize,
      bidirectional: true,
      attention: spec.attention,
      seed: spec.seed,
      dropout: spec.dropout,
      tiedEmbeddings: spec.tied,
    });
  }

  /** Learns both byte-pair encodings from the training pairs and builds an untrained model. */
  static learn(spec: TranslatorSpec, train: { en: string; es: string }[]): Translator {
    if (spec.tied) {
      const joint = BytePairEncoding.learn([...train.map((p) => p.en), ...train.map((p) => p.es)], spec.merges);
      return new Translator(spec, joint, joint);
    }
    return new Translator(spec, BytePairEncoding.learn(train.map((p) => p.en), spec.merges), BytePairEncoding.learn(train.map((p) => p.es), spec.merges));
  }

  translate(texts: string[], opts: TranslateOptions = {}): string[] {
    return this.translateDetailed(texts, opts).map((t) => t.text);
  }

  translateDetailed(texts: string[], opts: TranslateOptions = {}): DetailedTranslation[] {
    const sources = texts.map((t) => this.sourceBpe.encode(t));
    const out: DetailedTranslation[] = new Array(texts.length);
    // Similar lengths side by side: less padding.
    const order = texts.map((_, i) => i).sort((a, b) => sources[a].length - sources[b].length);
    const B = opts.batchSize ?? 64;
    for (let i = 0; i < order.length; i += B) {
      const idx = order.slice(i, i + B).filter((k) => sources[k].length > 0);
      for (const k of order.slice(i, i + B)) if (sources[k].length === 0) out[k] = { text: '', sourceTokens: [], tokens: [], attention: [] };
      if (idx.length === 0) continue;
      const chunk = idx.map((k) => sources[k]);
      const maxLength = 2 * Math.max(...chunk.map((s) => s.length)) + 10;
      const result = beamTranslate(this.model, chunk, { width: opts.beam ?? 5, alpha: opts.alpha, maxLength });
      idx.forEach((k, j) => {
        const { tokens, attention } = result[j];
        out[k] = { text: this.targetBpe.decode(tokens), sourceTokens: sources[k], tokens, attention };
      });
    }
    return out;
  }
}
