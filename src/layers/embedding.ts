import { alloc, type DType } from '../core/dtype';
import { checkedShared, makeParam, type Param } from '../core/param';
import type { Rng } from '../core/rng';
import { ShapeError, type Seq } from '../core/seq';
import type { ForwardOptions, Layer } from './layer';

export interface EmbeddingSpec {
  type: 'embedding';
  vocabSize: number;
  embeddingDim: number;
}

/** Token ids (one per step, features = 1) to vectors; weight [vocab, dim] ~ N(0, 1) like torch. */
export class Embedding implements Layer {
  readonly type = 'embedding';
  readonly inputFeatures = 1;
  readonly outputFeatures: number;
  readonly weight: Param;
  private ids: Int32Array = new Int32Array(0);
  private lengths: Int32Array = new Int32Array(0);
  private shape = { batch: 0, time: 0 };

  /** `sharedWeight`: use this [vocab, dim] parameter (weight tying) instead of a new one; its values are kept. */
  constructor(readonly spec: EmbeddingSpec, _inputFeatures: number, readonly dtype: DType, rng: Rng, sharedWeight?: Param) {
    if (!Number.isInteger(spec.vocabSize) || spec.vocabSize <= 0) throw new ShapeError(`embedding: vocabSize must be a positive integer`);
    if (!Number.isInteger(spec.embeddingDim) || spec.embeddingDim <= 0) throw new ShapeError(`embedding: embeddingDim must be a positive integer`);
    if (_inputFeatures !== 1) throw new ShapeError(`embedding must be the first layer, fed one token id per step (inputFeatures 1), got ${_inputFeatures}`);
    this.outputFeatures = spec.embeddingDim;
    if (sharedWeight) {
      this.weight = checkedShared('embedding', sharedWeight, [spec.vocabSize, spec.embeddingDim]);
      return;
    }
    this.weight = makeParam('weight', [spec.vocabSize, spec.embeddingDim], dtype);
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.normal();
  }

  params(): Param[] {
    return [this.weight];
  }

  forward(x: Seq, opts: ForwardOptions): Seq {
    if (x.features !== 1) throw new ShapeError(`embedding expects one token id per step (features 1), got ${x.features}`);
    const { batch: B, time: T } = x;
    const E = this.outputFeatures;
    const V = this.spec.vocabSize;
    const y = alloc(this.dtype, B * T * E);
    this.ids = new Int32Array(B * T);
    this.lengths = opts.lengths;
    this.shape = { batch: B, time: T };
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < opts.lengths[b]; t++) {
        const id = x.data[b * T + t];
        if (!Number.isInteger(id) || id < 0 || id >= V) {
          throw new ShapeError(`embedding: token id ${id} at sequence ${b}, step ${t} is outside the vocabulary [0, ${V})`);
        }
        this.ids[b * T + t] = id;
        y.set(this.weight.value.subarray(id * E, (id + 1) * E), (b * T + t) * E);
      }
    }
    return { data: y, batch: B, time: T, features: E };
  }

  backward(dy: Seq): null {
    const { batch: B, time: T } = this.shape;
    const E = this.outputFeatures;
    const g = this.weight.grad;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < this.lengths[b]; t++) {
        const o = this.ids[b * T + t] * E;
        const d = (b * T + t) * E;
        for (let j = 0; j < E; j++) g[o + j] += dy.data[d + j];
      }
    }
    return null;
  }
}
